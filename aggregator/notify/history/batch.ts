/**
 * Gathers history records produced together (a dispatcher flush, a rule group's evaluation, a
 * burst of posted alerts) into one log batch: a batch is cut when it holds `maxRecords`
 * records or `maxBytes` of lines, or `lingerMs` after its first record. Each message costs an
 * encode, a compression, a JetStream round trip and an ingest on the way back in, so one per
 * batch instead of one per record is most of history's cost saved.
 */
import type { LogRecord } from "../../../shared/model/log.ts";
import { type HistoryRecord, historyBatchMsgId, historyRecordId, toLogRecord } from "./record.ts";

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

/** Records cut into one message. */
export interface HistoryBatch {
  readonly msgId: string;
  readonly records: readonly HistoryRecord[];
  readonly lines: readonly LogRecord[];
}

/** Builds batches of one tenant's records and hands each to `cut`. */
export class Batcher {
  private records: HistoryRecord[] = [];
  private lines: LogRecord[] = [];
  private ids: string[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly limits: Batching,
    private readonly tenant: string,
    private readonly cut: (batch: HistoryBatch) => void,
  ) {}

  /** Records waiting in the open batch. */
  get size(): number {
    return this.records.length;
  }

  /** Adds a record to the open batch, cutting it when a cap is reached. */
  add(r: HistoryRecord): void {
    const id = historyRecordId(r);
    const line = toLogRecord(r, id);
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
      msgId: historyBatchMsgId(this.tenant, this.ids),
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
