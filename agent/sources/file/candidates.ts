/**
 * Files the globs found that no stream reads yet. They are held open while their identity is
 * unclear: an empty file may be a copy about to be written, and a file starting with the same
 * bytes as a live one may be the copy a rotation is making, to be continued where the original
 * stops rather than read from its start.
 */
import { open } from "node:fs/promises";
import {
  type FileInfo,
  type Fingerprint,
  inodeKey,
  type OpenFile,
  prefixMatches,
  readPrefix,
  statOpen,
} from "./identity.ts";

/** A file not yet read. */
export interface Candidate {
  readonly file: OpenFile;
  info: FileInfo;
  /** Its leading bytes, up to fingerprint_bytes. */
  prefix: Uint8Array;
  readonly firstSeen: number;
  /** Found by the first pass of the agent's first start (start_at applies). */
  readonly initial: boolean;
  /** Size at first sight: "the end" for start_at, even if the file grew while it was held. */
  readonly firstSize: number;
}

/** The candidates of one source, by inode. */
export class Candidates {
  private readonly byInode = new Map<string, Candidate>();

  constructor(
    private readonly fingerprintBytes: number,
    private readonly onError: (path: string, error: unknown) => void,
  ) {}

  /**
   * True when a held file waits on the clock: one with bytes is a possible copy in its grace
   * or was read mid-truncation (the next listing judges it). An empty one waits for a write.
   */
  get timed(): boolean {
    for (const c of this.byInode.values()) if (c.info.size > 0) return true;
    return false;
  }

  /**
   * Opens new files and refreshes held ones. Returns, still open, the held ones the globs no
   * longer find: one renamed away before it was judged still holds lines to read.
   */
  async update(
    fresh: ReadonlyMap<string, FileInfo>,
    now: number,
    initial: boolean,
  ): Promise<Candidate[]> {
    const vanished: Candidate[] = [];
    for (const [inode, cand] of this.byInode) {
      if (!fresh.has(inode)) {
        this.byInode.delete(inode);
        vanished.push(cand);
      }
    }
    for (const [inode, info] of fresh) {
      const cand = this.byInode.get(inode);
      if (cand === undefined) await this.add(inode, info, now, initial);
      else await this.refresh(cand, info);
    }
    return vanished;
  }

  /**
   * A candidate that may be a copy of a file with fingerprint `fp` over bytes `head` (see
   * mayBeCopyOf), other than inode `except` and at least `minSize` long.
   */
  findCopy(
    fp: Fingerprint,
    head: Uint8Array | null,
    except: string,
    minSize = 0,
  ): Candidate | null {
    for (const [inode, c] of this.byInode) {
      if (inode !== except && c.info.size >= minSize && mayBeCopyOf(c, fp, head)) return c;
    }
    return null;
  }

  /** The candidate on inode `inode`, if any. */
  get(inode: string): Candidate | undefined {
    return this.byInode.get(inode);
  }

  /** Removes a candidate that became a stream (its file now belongs to that stream). */
  take(c: Candidate): void {
    this.byInode.delete(inodeKey(c.file.dev, c.file.ino));
  }

  /** All candidates, oldest first. */
  all(): Candidate[] {
    return [...this.byInode.values()];
  }

  /** Closes every held file. */
  async closeAll(): Promise<void> {
    for (const c of this.byInode.values()) await closeQuietly(c.file);
    this.byInode.clear();
  }

  private async add(inode: string, info: FileInfo, now: number, initial: boolean): Promise<void> {
    let file: OpenFile;
    let prefix: Uint8Array;
    let fh: Awaited<ReturnType<typeof open>> | undefined;
    try {
      fh = await open(info.path, "r");
      const opened = await statOpen(fh, info.path);
      file = { fh, dev: opened.dev, ino: opened.ino, path: info.path };
      // Replaced between the glob and the open: the next pass sees the new file.
      if (inodeKey(opened.dev, opened.ino) !== inode) return await closeQuietly(file);
      prefix = await readPrefix(fh, Math.min(opened.size, this.fingerprintBytes));
      info = opened;
    } catch (error) {
      // An unclosed handle left to the garbage collector is an error in Bun: close it here.
      await fh?.close().catch(() => {});
      this.onError(info.path, error);
      return;
    }
    const firstSize = info.size;
    this.byInode.set(inode, { file, info, prefix, firstSeen: now, initial, firstSize });
  }

  /** Takes back a file no stream reads any more (rewritten and empty): judged as a new one. */
  async hold(file: OpenFile, now: number): Promise<void> {
    try {
      const info = await statOpen(file.fh, file.path);
      const prefix = await readPrefix(file.fh, Math.min(info.size, this.fingerprintBytes));
      const inode = inodeKey(file.dev, file.ino);
      this.byInode.set(inode, { file, info, prefix, firstSeen: now, initial: false, firstSize: 0 });
    } catch (error) {
      this.onError(file.path, error);
      await closeQuietly(file);
    }
  }

  /** Re-reads a candidate's size and leading bytes through its open handle. */
  async reread(c: Candidate): Promise<void> {
    c.info = await statOpen(c.file.fh, c.file.path);
    c.prefix = await readPrefix(c.file.fh, Math.min(c.info.size, this.fingerprintBytes));
  }

  private async refresh(c: Candidate, info: FileInfo): Promise<void> {
    const before = c.info;
    c.info = info;
    c.file.path = info.path;
    if (info.size === before.size && info.mtimeNs === before.mtimeNs) return;
    try {
      c.prefix = await readPrefix(c.file.fh, Math.min(info.size, this.fingerprintBytes));
    } catch (error) {
      this.onError(info.path, error);
    }
  }
}

/** Closes a file, ignoring errors: there is nothing left to do with it. */
export async function closeQuietly(file: OpenFile): Promise<void> {
  try {
    await file.fh.close();
  } catch {
    // Already closed or failed: either way it is gone.
  }
}

/**
 * Whether `c` may be a copy of a file with fingerprint `fp` over bytes `head`: it starts with
 * those bytes or, while shorter (a copy being written), holds nothing but their start.
 */
export function mayBeCopyOf(c: Candidate, fp: Fingerprint, head: Uint8Array | null): boolean {
  if (fp.len === 0 || c.prefix.length === 0) return false;
  if (c.prefix.length >= fp.len) return prefixMatches(c.prefix, fp);
  if (head === null || c.prefix.length > head.length) return false;
  return Buffer.compare(head.subarray(0, c.prefix.length), c.prefix) === 0;
}

/** Where a candidate is read from: its end at sight for start_at: end at the first start, else 0. */
export function startOffset(c: Candidate, startAtEnd: boolean): number {
  return c.initial && startAtEnd ? Math.min(c.firstSize, c.info.size) : 0;
}
