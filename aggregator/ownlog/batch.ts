/**
 * Gathers records of the aggregator's own logs (alert history, the audit log) produced
 * together into one log batch: a batch is cut when it holds `maxRecords` records or
 * `maxBytes` of lines, or `lingerMs` after its first record. Each message costs an encode, a
 * compression, a JetStream round trip and an ingest on the way back in, so one per batch
 * instead of one per record is most of the cost saved.
 */
import type { LogRecord } from "../../shared/model/log.ts";

/** When a batch is cut. */
export interface Batching {
  readonly maxRecords: number;
  /** Bytes of JSON lines, at most (a batch of one record may hold more). */
  readonly maxBytes: number;
  /** How long a batch waits for more records after its first, ms. */
  readonly lingerMs: number;
}

/** The default: a flush's or an evaluation's records in one message, well under NATS's 1 MB. */
export const DEFAULT_BATCHING: Batching = { maxRecords: 1000, maxBytes: 256 * 1024, lingerMs: 200 };

/** One record per message at once: the simple reference the batched path is held to. */
export const UNBATCHED: Batching = {
  maxRecords: 1,
  maxBytes: Number.POSITIVE_INFINITY,
  lingerMs: 0,
};

/** How one kind of record becomes log lines and messages. */
export interface OwnLogCodec<R> {
  /** The record's id, derived from what it records (a repeat has the same id). */
  id(r: R): string;
  /** The record's log line (stream labels, time, JSON with its `id`). */
  toLogRecord(r: R, id: string): LogRecord;
  /** The message id of a batch from its records' ids, in order. */
  batchMsgId(tenant: string, ids: readonly string[]): string;
}

/** Records cut into one message. */
export interface OwnLogBatch<R> {
  readonly msgId: string;
  readonly records: readonly R[];
  readonly lines: readonly LogRecord[];
}

/** Builds batches of one tenant's records and hands each to `cut`. */
export class Batcher<R> {
  private records: R[] = [];
  private lines: LogRecord[] = [];
  private ids: string[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly codec: OwnLogCodec<R>,
    private readonly limits: Batching,
    private readonly tenant: string,
    private readonly cut: (batch: OwnLogBatch<R>) => void,
  ) {}

  /** Records waiting in the open batch. */
  get size(): number {
    return this.records.length;
  }

  /** Adds a record to the open batch, cutting it when a cap is reached. */
  add(r: R): void {
    const id = this.codec.id(r);
    const line = this.codec.toLogRecord(r, id);
    if (this.records.length > 0 && this.bytes + line.line.length > this.limits.maxBytes)
      this.flush();
    this.records.push(r);
    this.lines.push(line);
    this.ids.push(id);
    this.bytes += line.line.length;
    if (this.records.length >= this.limits.maxRecords || this.bytes >= this.limits.maxBytes)
      this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.limits.lingerMs);
  }

  /** Cuts the open batch now (a stop does not wait for the linger). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.records.length === 0) return;
    const batch = {
      msgId: this.codec.batchMsgId(this.tenant, this.ids),
      records: this.records,
      lines: this.lines,
    };
    this.records = [];
    this.lines = [];
    this.ids = [];
    this.bytes = 0;
    this.cut(batch);
  }
}
