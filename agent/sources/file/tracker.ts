/**
 * Keeps the set of streams in step with what the globs find, pass after pass (after Vector's
 * file server, with Promtail's device+inode identity):
 *   - the same inode under a new name is a rename: read on, under its first name's label;
 *   - an inode gone from the globs is read to its end, then finished;
 *   - an inode whose size fell below our offset, or whose leading bytes changed, was truncated
 *     or rewritten: if a new file starting with the bytes we were reading appeared (the copy of
 *     a copytruncate), reading goes on in the copy from our offset; the inode restarts at 0;
 *   - a new file is read from its start (from its end at the first start with start_at: end).
 */
import type { Logger } from "../../../shared/log/log.ts";
import {
  type Candidate,
  Candidates,
  closeQuietly,
  mayBeCopyOf,
  startOffset,
} from "./candidates.ts";
import type { CheckpointEntry } from "./checkpoint.ts";
import { byInode } from "./discover.ts";
import {
  type FileInfo,
  fileKey,
  fingerprintOf,
  inodeKey,
  type OpenFile,
  readPrefix,
} from "./identity.ts";
import type { FileMetrics, RotationKind } from "./metrics.ts";
import { matchOrphans, type Orphan, orphanEntry, resumeStream } from "./restore.ts";
import { FileStream, type StreamContext } from "./stream.ts";
import type { Warnings } from "./warn.ts";

/** Settings of a tracker. */
export interface TrackerOptions {
  readonly ctx: StreamContext;
  readonly sourceId: string;
  readonly fingerprintBytes: number;
  readonly startAtEnd: boolean;
  /** How long a possible copy of a live file waits for that file to be truncated. */
  readonly copyGraceMs: number;
  /** How long a gone file stays open at its end in case its writer is not done yet. */
  readonly goneWaitMs: number;
  readonly metrics: FileMetrics;
  readonly log: Logger;
  readonly warnings: Warnings;
}

/** The streams of one source and the files waiting to become one. */
export class Tracker {
  /** Streams by the inode they read. */
  readonly streams = new Map<string, FileStream>();
  private readonly candidates: Candidates;
  private orphans: Orphan[] = [];
  private orphansUntil = 0;
  private firstStart = true;
  private initialPass = true;

  constructor(private readonly opts: TrackerOptions) {
    this.candidates = new Candidates(opts.fingerprintBytes, (path, error) =>
      this.fileError(path, error),
    );
  }

  /** Sets where a restart resumes; `firstStart` when there was no checkpoint file. */
  restore(orphans: Orphan[], firstStart: boolean, now: number): void {
    this.orphans = orphans;
    for (const o of orphans) {
      this.opts.log.debug("Restored a file to resume", {
        file: o.path,
        key: o.key,
        ino: o.ino,
        fp_len: o.fp.len,
        offset: o.offset,
      });
    }
    this.firstStart = firstStart;
    this.orphansUntil = now + this.opts.copyGraceMs;
  }

  /** Brings the streams in line with the files one glob pass found. */
  async reconcile(files: readonly FileInfo[], now: number): Promise<void> {
    const fresh = byInode(files, (inode) => this.streams.get(inode)?.file.path);
    const replaced = await this.checkStreams(fresh);
    const vanished = await this.candidates.update(fresh, now, this.initialPass && this.firstStart);
    this.claimOrphans(now);
    for (const s of replaced) await this.replace(s, now);
    this.continueGone();
    this.admit(now);
    for (const c of vanished) await this.adoptVanished(c);
    this.initialPass = false;
    this.opts.metrics.watched.set(this.streams.size);
  }

  /** Sends timed-out multiline records and finishes gone files that stayed at their end. */
  async tick(now: number): Promise<void> {
    for (const [inode, s] of this.streams) {
      s.flushDue(now);
      if (!s.gone || s.eofSince === 0 || now - s.eofSince < this.opts.goneWaitMs) continue;
      s.finish();
      this.streams.delete(inode);
      await closeQuietly(s.file);
      this.opts.log.info("Finished reading a file that is gone", { file: s.file.path });
    }
    this.opts.metrics.watched.set(this.streams.size);
  }

  /**
   * True when nothing here waits on the clock: no stream or held file timed (their `timed`),
   * no restored file still waiting to be found.
   */
  settled(): boolean {
    if (this.orphans.length > 0 || this.candidates.timed) return false;
    for (const s of this.streams.values()) if (s.timed) return false;
    return true;
  }

  /** The checkpoints of every stream, and of restored files not found yet. */
  entries(): CheckpointEntry[] {
    const out = [...this.streams.values()].map((s) => s.entry());
    for (const o of this.orphans) out.push(orphanEntry(o));
    return out;
  }

  /** Closes every open file. */
  async closeAll(): Promise<void> {
    for (const s of this.streams.values()) await closeQuietly(s.file);
    this.streams.clear();
    await this.candidates.closeAll();
  }

  /** Follows renames, marks gone files, and returns the streams whose file was rewritten. */
  private async checkStreams(fresh: Map<string, FileInfo>): Promise<FileStream[]> {
    const paths = new Set<string>();
    for (const f of fresh.values()) paths.add(f.path);
    const replaced: FileStream[] = [];
    for (const [inode, s] of this.streams) {
      const info = fresh.get(inode);
      if (info === undefined) {
        this.markGone(s, paths.has(s.file.path));
        continue;
      }
      fresh.delete(inode);
      s.gone = false;
      if (info.path !== s.file.path) this.renamed(s, info.path);
      try {
        if (await s.rewritten(info)) replaced.push(s);
      } catch (error) {
        this.fileError(info.path, error);
      }
    }
    return replaced;
  }

  private markGone(s: FileStream, pathReused: boolean): void {
    if (s.gone) return;
    s.gone = true;
    s.eofSince = 0;
    s.rotated ||= pathReused;
    const message = "File is gone from the globs: reading it to its end";
    if (pathReused) this.rotation("rename", message, { file: s.file.path });
    else this.opts.log.info(message, { file: s.file.path });
  }

  private renamed(s: FileStream, path: string): void {
    this.rotation("rename", "File was renamed: reading on", { from: s.file.path, to: path });
    s.file.path = path;
    s.rotated = true;
  }

  /** Resumes restored files; those no file claimed wait for one until the copy grace is over. */
  private claimOrphans(now: number): void {
    if (this.orphans.length === 0) return;
    const rest = matchOrphans(this.orphans, this.candidates, (o, c, copy) => {
      if (copy) this.opts.metrics.rotation("copy");
      this.resume(o, c);
    });
    if (now >= this.orphansUntil) {
      for (const o of rest) {
        this.opts.log.debug("No file continues one read before the restart", {
          file: o.path,
          offset: o.offset,
        });
      }
    }
    this.orphans = now < this.orphansUntil ? rest : [];
  }

  private resume(o: Orphan, c: Candidate): void {
    this.opts.log.debug("Resuming a file read before the restart", {
      file: c.file.path,
      filename: o.filename,
      offset: o.offset,
    });
    this.candidates.take(c);
    this.streams.set(inodeKey(c.file.dev, c.file.ino), resumeStream(this.opts.ctx, o, c));
  }

  /** A rewritten file: its stream goes on in a copy if there is one; the inode starts over. */
  private async replace(s: FileStream, now: number): Promise<void> {
    const file = s.file;
    const inode = inodeKey(file.dev, file.ino);
    const copy = this.candidates.findCopy(s.fp, s.head, inode);
    // copytruncate makes the copy before it truncates, but this pass may have listed the folder
    // before the copy existed and seen the truncation after: look again after the next listing.
    if (copy === null && s.awaitCopy()) return;
    this.streams.delete(inode);
    if (copy === null) {
      s.finish();
      this.rotation("truncate", "File was truncated or rewritten: reading it from the start", {
        file: file.path,
      });
    } else {
      this.candidates.take(copy);
      const copyInode = inodeKey(copy.file.dev, copy.file.ino);
      if (copy.info.size >= s.readOffset) {
        s.moveTo(copy.file);
        this.streams.set(copyInode, s);
      } else {
        // We read past the copy's snapshot in the original: it holds nothing new; keep it read.
        s.finish();
        const read = this.newStream(copy.file, copy.prefix, copy.info.size, s.filename);
        this.streams.set(copyInode, read);
      }
      this.rotation("copy", "File was copied and truncated: reading on in the copy", {
        file: file.path,
        copy: copy.file.path,
      });
    }
    await this.startOver(file, inode, now);
  }

  /**
   * Reads a rewritten inode again from its start. Empty, it waits among the candidates until it
   * has bytes: a stream keyed by an empty fingerprint is the same key for every generation of
   * the inode, so a restart between two copytruncates could resume the wrong generation (its
   * orphan matched any file on the inode and no copy), losing or repeating lines.
   */
  private async startOver(file: OpenFile, inode: string, now: number): Promise<void> {
    let prefix: Uint8Array = new Uint8Array(0);
    try {
      prefix = await readPrefix(file.fh, this.opts.fingerprintBytes);
    } catch (error) {
      this.fileError(file.path, error);
    }
    if (prefix.length > 0) this.streams.set(inode, this.newStream(file, prefix, 0));
    else await this.candidates.hold(file, now);
  }

  /** A gone file whose bytes turn up in a new file (moved across file systems) goes on there. */
  private continueGone(): void {
    for (const [inode, s] of this.streams) {
      if (!s.gone) continue;
      const copy = this.candidates.findCopy(s.fp, s.head, inode, s.readOffset);
      if (copy === null) continue;
      this.candidates.take(copy);
      void closeQuietly(s.moveTo(copy.file));
      s.gone = false;
      this.streams.delete(inode);
      this.streams.set(inodeKey(copy.file.dev, copy.file.ino), s);
      this.rotation("copy", "File moved: reading on in its copy", { copy: copy.file.path });
    }
  }

  /** Turns candidates into streams, holding possible copies of live files a while. */
  private admit(now: number): void {
    for (const c of this.candidates.all()) {
      // Nothing to read yet, and it may be a copy about to be written: judged once it has bytes.
      if (c.info.size === 0) continue;
      // Leading bytes short of what its size promises: it was truncated between the size and
      // the read of them (a copytruncate at the agent's start). A stream keyed by them could
      // not be told from the next generation; the next listing sees it as it is.
      if (c.prefix.length < Math.min(c.info.size, this.opts.fingerprintBytes)) continue;
      const original = this.originalOf(c);
      if (original !== null) {
        if (now - c.firstSeen < this.opts.copyGraceMs) continue;
        this.opts.log.info("File starts like another one being read: reading it on its own", {
          file: c.file.path,
          like: original.file.path,
        });
      }
      this.candidates.take(c);
      const stream = this.newStream(c.file, c.prefix, startOffset(c, this.opts.startAtEnd));
      this.opts.log.debug("Reading a new file", { file: c.file.path, offset: stream.readOffset });
      this.streams.set(inodeKey(c.file.dev, c.file.ino), stream);
    }
  }

  /** A held file renamed away before it was judged is read to its end, unless it is a copy. */
  private async adoptVanished(c: Candidate): Promise<void> {
    try {
      await this.candidates.reread(c);
      if (c.prefix.length > 0 && this.originalOf(c) === null) {
        const s = this.newStream(c.file, c.prefix, startOffset(c, this.opts.startAtEnd));
        s.gone = true;
        this.streams.set(inodeKey(c.file.dev, c.file.ino), s);
        return;
      }
    } catch (error) {
      this.fileError(c.file.path, error);
    }
    await closeQuietly(c.file);
  }

  /** A live stream `c` may be a copy of (see mayBeCopyOf). */
  private originalOf(c: Candidate): FileStream | null {
    for (const s of this.streams.values()) {
      if (!s.gone && mayBeCopyOf(c, s.fp, s.head)) return s;
    }
    return null;
  }

  private newStream(
    file: OpenFile,
    prefix: Uint8Array,
    offset: number,
    filename = file.path,
  ): FileStream {
    const fp = fingerprintOf(prefix);
    return new FileStream(this.opts.ctx, {
      file,
      key: fileKey(file.dev, file.ino, fp, this.opts.sourceId),
      fp,
      head: prefix,
      filename,
      offset,
      committed: offset,
    });
  }

  /** Counts and logs a rotation. */
  private rotation(kind: RotationKind, message: string, fields: Record<string, string>): void {
    this.opts.metrics.rotation(kind);
    this.opts.log.info(message, fields);
  }

  private fileError(path: string, error: unknown): void {
    this.opts.metrics.readErrors.inc();
    this.opts.metrics.component.errors.inc();
    this.opts.warnings.once(`Cannot read "${path}": ${(error as Error).message}`);
  }
}
