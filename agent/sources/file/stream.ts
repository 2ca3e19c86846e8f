/**
 * One file being read: its open handle, the line splitter and multiline joiner, the records of
 * the current chunk, and the queue of pushes its checkpoint follows. It outlives its inode when
 * a rotation moves it into a copy, and ends when the file is gone or rewritten in place.
 */
import type { Logger } from "../../../shared/log/log.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import type { LogConsumer } from "../../pipeline/component.ts";
import type { CheckpointEntry } from "./checkpoint.ts";
import type { Clock } from "./clock.ts";
import { FILENAME_LABEL } from "./config.ts";
import { DeliveryQueue, type Inflight } from "./delivery.ts";
import {
  type FileInfo,
  type Fingerprint,
  fingerprintOf,
  type OpenFile,
  prefixMatches,
  readPrefix,
} from "./identity.ts";
import { type LineSink, LineSplitter } from "./lines.ts";
import type { FileMetrics } from "./metrics.ts";
import { Multiline, type MultilineOptions } from "./multiline.ts";

/** What all streams of one source share. */
export interface StreamContext {
  readonly buffer: Buffer;
  readonly consumer: LogConsumer;
  readonly process?: (records: LogRecord[]) => LogRecord[];
  readonly metrics: FileMetrics;
  readonly inflight: Inflight;
  readonly clock: Clock;
  readonly staticLabels: Readonly<Record<string, string>>;
  readonly maxLineBytes: number;
  readonly multiline: MultilineOptions | null;
  readonly fingerprintBytes: number;
  readonly log: Logger;
}

/** Where a stream starts. */
export interface StreamInit {
  readonly file: OpenFile;
  readonly key: string;
  readonly fp: Fingerprint;
  /** The bytes of `fp`, when known. */
  readonly head?: Uint8Array;
  readonly filename: string;
  /** The offset reading starts at. */
  readonly offset: number;
  /** The acknowledged offset (at most `offset`). */
  readonly committed: number;
  /** Deliveries an earlier run left in the sink's spool, with the offset each reaches. */
  readonly pending?: readonly { delivered: Promise<void>; offset: number }[];
}

/** How a read ended. */
export type ReadResult = "eof" | "more" | "blocked" | "error";

const NO_FIELDS: readonly string[] = Object.freeze([]);

/** One file being read and checkpointed. */
export class FileStream implements LineSink {
  readonly key: string;
  readonly filename: string;
  readonly labels: Labels;
  file: OpenFile;
  fp: Fingerprint;
  /** The bytes `fp` was taken of, once read (null for a stream resumed and not yet checked). */
  head: Uint8Array | null;
  /** Not found by the globs any more: read to its end, then finished. */
  gone = false;
  /** When a read last found the end of the file with nothing new (0 after new data). */
  eofSince = 0;
  /** Read under another name or inode than it started with (renamed, continued in a copy). */
  rotated = false;
  private readonly splitter: LineSplitter;
  private readonly multiline: Multiline | null;
  private readonly queue: DeliveryQueue;
  private records: LogRecord[] = [];
  private pushed: number;
  private now = 0;
  private lastDataAt = Date.now();
  private seenSize = -1;
  private seenMtime = -1;
  private failing = false;
  /** The leading bytes changed under us: nothing is read until the tracker starts over. */
  private suspect = false;
  /** Rewritten with no copy listed yet: waiting one more listing for it. */
  private awaitingCopy = false;
  /** The file was seen to start with the fingerprint's bytes since this stream began. */
  private verified = false;

  constructor(
    private readonly ctx: StreamContext,
    init: StreamInit,
  ) {
    this.key = init.key;
    this.file = init.file;
    this.fp = init.fp;
    this.head = init.head ?? null;
    this.filename = init.filename;
    this.labels = labelsFromEntries([
      ...Object.entries(ctx.staticLabels),
      [FILENAME_LABEL, init.filename],
    ]);
    this.splitter = new LineSplitter(ctx.maxLineBytes, init.offset, this, ctx.metrics);
    this.multiline = ctx.multiline
      ? new Multiline(ctx.multiline, (text) => this.records.push(this.record(text)))
      : null;
    this.pushed = init.offset;
    this.queue = new DeliveryQueue(init.committed, ctx.inflight, (error) => {
      ctx.metrics.component.errors.inc();
      ctx.log.warn("Cannot deliver log records: the sink rejected them", {
        file: this.file.path,
        error: String(error),
      });
    });
    const pending = [...(init.pending ?? [])].sort((a, b) => a.offset - b.offset);
    for (const p of pending) this.queue.add(p.delivered, p.offset, 0);
  }

  /** The offset just past the last byte read. */
  get readOffset(): number {
    return this.splitter.readEnd;
  }

  /** The file's modification time (ns) when a pass last looked, -1 before the first. */
  get modifiedNs(): number {
    return this.seenMtime;
  }

  /**
   * True when the stream waits on the clock rather than on its file: gone (its last wait),
   * suspect or awaiting a copy (the next listing), or holding a multiline record or line that
   * max_wait will send.
   */
  get timed(): boolean {
    if (this.gone || this.suspect || this.awaitingCopy) return true;
    return (
      this.multiline !== null && (this.splitter.hasPartial || this.multiline.pendingStart >= 0)
    );
  }

  /** The offset before which everything is acknowledged. */
  get committed(): number {
    return this.queue.committed;
  }

  /** Reads, splits and pushes up to `budget` bytes. */
  async read(budget: number): Promise<ReadResult> {
    const buf = this.ctx.buffer;
    if (this.suspect) return "eof";
    for (let total = 0; total < budget; ) {
      if (this.ctx.inflight.full) return "blocked";
      let n: number;
      try {
        ({ bytesRead: n } = await this.file.fh.read(buf, 0, buf.length, this.splitter.readEnd));
      } catch (error) {
        this.readFailed(error);
        // Nothing more can be read now; a gone file must still be let go of in time.
        if (this.eofSince === 0) this.eofSince = Date.now();
        return "error";
      }
      this.failing = false;
      if (n === 0) {
        if (this.eofSince === 0) this.eofSince = Date.now();
        return "eof";
      }
      // Before the first bytes a stream reads, and when an idle file grows again, the file must
      // still start with its fingerprint's bytes: a copytruncate between a stream's start (or
      // its last read) and this read would otherwise hand over the next generation's bytes as
      // this one's (a stress run lost the first 100 lines of one generation and sent the
      // next one's twice that way, the stream started just before the truncation).
      if ((!this.verified || this.eofSince !== 0) && !(await this.sameBytes())) {
        this.suspect = true;
        return "eof";
      }
      this.verified = true;
      this.eofSince = 0;
      this.now = this.lastDataAt = Date.now();
      this.ctx.clock.tick();
      this.ctx.metrics.bytesRead.inc(n);
      this.splitter.push(buf.subarray(0, n));
      this.pushChunk();
      total += n;
    }
    return "more";
  }

  /** Sends a multiline record, or an unfinished line, that has waited max_wait. */
  flushDue(now: number): void {
    const ml = this.multiline;
    if (ml === null) return;
    this.now = now;
    this.ctx.clock.tick();
    if (this.splitter.hasPartial && now - this.lastDataAt >= this.ctx.multiline!.maxWaitMs) {
      this.splitter.flushPartial();
      ml.flush();
    } else if (ml.due(now)) {
      ml.flush();
    }
    this.pushChunk();
  }

  /** Sends everything held back: the file ended (gone, rotated away, rewritten). */
  finish(): void {
    this.now = Date.now();
    this.ctx.clock.tick();
    this.splitter.flushPartial();
    this.multiline?.flush();
    this.pushChunk();
  }

  /**
   * Whether the file under this stream's inode was truncated or rewritten since it was read
   * (size below our offset, or different leading bytes). Also grows a short fingerprint.
   */
  async rewritten(info: FileInfo): Promise<boolean> {
    if (this.suspect || info.size < this.splitter.readEnd) return true;
    if (info.size === this.seenSize && info.mtimeNs === this.seenMtime) return false;
    this.seenSize = info.size;
    this.seenMtime = info.mtimeNs;
    const prefix = await readPrefix(this.file.fh, Math.min(info.size, this.ctx.fingerprintBytes));
    if (!prefixMatches(prefix, this.fp)) return true;
    if (prefix.length > this.fp.len) this.fp = fingerprintOf(prefix);
    this.head = prefix;
    return false;
  }

  /**
   * Called when the file was seen rewritten and no copy of it is listed yet: reading stops, and
   * returns true the first time, so that the tracker looks for the copy once more after its
   * next listing before it reads the file from its start.
   */
  awaitCopy(): boolean {
    if (this.awaitingCopy) return false;
    this.awaitingCopy = true;
    this.suspect = true;
    return true;
  }

  /** Continues reading in `file`, a copy holding the same bytes; returns the file left. */
  moveTo(file: OpenFile): OpenFile {
    const old = this.file;
    this.file = file;
    this.rotated = true;
    this.suspect = false;
    this.awaitingCopy = false;
    this.seenSize = -1;
    return old;
  }

  /** The checkpoint of this stream. */
  entry(): CheckpointEntry {
    const { path, dev, ino } = this.file;
    const { key, filename, fp } = this;
    return { key, path, filename, dev, ino, fp_len: fp.len, fp: fp.hash, offset: this.committed };
  }

  /**
   * Whether the file still starts with the bytes of our fingerprint. Checked when an idle file
   * grows again, the moment a truncation or a reused inode is otherwise read as new lines.
   */
  private async sameBytes(): Promise<boolean> {
    if (this.fp.len === 0) return true;
    return prefixMatches(await readPrefix(this.file.fh, this.fp.len), this.fp);
  }

  /** Called by the splitter for each line. */
  line(text: string, start: number, end: number): void {
    this.ctx.metrics.linesRead.inc();
    if (this.multiline !== null) this.multiline.add(text, start, end, this.now);
    else this.records.push(this.record(text));
  }

  private record(line: string): LogRecord {
    return { timeNs: this.ctx.clock.next(), labels: this.labels, line, fields: NO_FIELDS };
  }

  /** The offset before which every byte has been handed over. */
  private safeOffset(): number {
    const held = this.multiline?.pendingStart ?? -1;
    return held >= 0 ? held : this.splitter.pendingStart;
  }

  /** Pushes the records of the chunk, or only the offset when every line was dropped. */
  private pushChunk(): void {
    const end = this.safeOffset();
    const records = this.records;
    if (records.length === 0 && end === this.pushed) return;
    this.records = [];
    const component = this.ctx.metrics.component;
    component.received.inc(records.length);
    const out = this.processed(records);
    if (out.length < records.length) component.discarded.inc(records.length - out.length);
    component.sent.inc(out.length);
    const bytes = end - this.pushed;
    this.pushed = end;
    let delivered: Promise<void>;
    try {
      delivered = this.ctx.consumer.pushLogs(out, { file: this.key, offset: end });
    } catch (error) {
      delivered = Promise.reject(error);
    }
    this.queue.add(delivered, end, bytes);
  }

  private processed(records: LogRecord[]): LogRecord[] {
    const process = this.ctx.process;
    if (process === undefined || records.length === 0) return records;
    try {
      return process(records);
    } catch (error) {
      this.ctx.metrics.component.errors.inc();
      this.ctx.log.warn("Cannot process log records: dropping the chunk", {
        file: this.file.path,
        error: String(error),
      });
      return [];
    }
  }

  private readFailed(error: unknown): void {
    this.ctx.metrics.readErrors.inc();
    this.ctx.metrics.component.errors.inc();
    // Logged once per failing spell: a broken disk would otherwise log every poll.
    if (!this.failing) {
      this.ctx.log.warn(`Cannot read "${this.file.path}": ${(error as Error).message}`);
    }
    this.failing = true;
  }
}
