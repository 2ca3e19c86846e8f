/**
 * Writes history records into the ingest stream in batches (batch.ts) under ids derived from
 * their records' (record.ts), in the background: the evaluator and the dispatcher never wait
 * on NATS, and several batches are in flight at once. A full queue, a stopped writer or a
 * publish that keeps failing drops the records, counted and logged once per cause.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { Batcher, type Batching, DEFAULT_BATCHING, type HistoryBatch } from "./batch.ts";
import type { HistoryRecord } from "./record.ts";

const log = logger("history");

/** The `<agent>` of the subject history is published on: `<prefix>.<tenant>.logs.alert_history`. */
export const HISTORY_WRITER = "alert_history";
/** Records waiting to be published (in open and cut batches), at most. */
export const MAX_QUEUED = 50_000;
/** Batches in flight at once. */
const CONCURRENCY = 16;
/** Tries of one publish before its records are dropped. */
const TRIES = 3;

/** Where records go: aggregator/ingest/publish_logs.ts in an aggregator, memory in tests. */
export interface HistoryPublisher {
  publish(batch: {
    msgId: string;
    tenant: string;
    writer: string;
    records: readonly LogRecord[];
  }): Promise<{ duplicate: boolean }>;
}

/** Something records are handed to (the writer; tests collect them). */
export interface HistorySink {
  record(r: HistoryRecord): void;
}

/** The history writer of one tenant. */
export class HistoryWriter implements HistorySink {
  private readonly batcher: Batcher;
  private readonly queue: HistoryBatch[] = [];
  /** Records in `queue`. */
  private queued = 0;
  private inFlight = 0;
  private stopped = false;
  private readonly idle = new Set<() => void>();
  private readonly written: Metric;
  private lastError = "";

  constructor(
    private readonly publisher: HistoryPublisher,
    private readonly tenant: string,
    registry: Registry,
    batching: Batching = DEFAULT_BATCHING,
  ) {
    this.written = registry.counter(
      "outpost_alert_history_records_total",
      "Alert history records, by kind and outcome (stored, duplicate, dropped).",
      ["kind", "outcome"],
    );
    this.batcher = new Batcher(batching, tenant, (b) => {
      this.queue.push(b);
      this.queued += b.records.length;
      this.pump();
    });
  }

  /** Queues a record; drops it (counted) when the queue is full or the writer stopped. */
  record(r: HistoryRecord): void {
    if (this.stopped) {
      this.count([r], "dropped");
      this.warnOnce("Cannot record alert history: the writer has stopped", "stopped");
      return;
    }
    if (this.queued + this.batcher.size >= MAX_QUEUED) {
      this.count([r], "dropped");
      this.warnOnce("Cannot keep up with alert history: records are dropped", "queue full");
      return;
    }
    this.batcher.add(r);
  }

  /** Sends the open batch now and resolves once every record was published or dropped. */
  drained(): Promise<void> {
    this.batcher.flush();
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  /**
   * Stops: what is queued is sent for at most `timeoutMs`; what is then still queued is dropped
   * (counted), and batches in flight are not tried again.
   */
  async stop(timeoutMs: number): Promise<void> {
    await Promise.race([this.drained(), Bun.sleep(timeoutMs)]);
    this.stopped = true;
    const left = this.queue.splice(0);
    this.queued = 0;
    for (const b of left) this.count(b.records, "dropped");
    if (left.length > 0)
      this.warnOnce("Cannot publish alert history before stopping: records are lost", "stop");
  }

  private pump(): void {
    while (this.inFlight < CONCURRENCY && this.queue.length > 0) {
      const b = this.queue.shift() as HistoryBatch;
      this.queued -= b.records.length;
      this.inFlight++;
      void this.publish(b).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.queue.length === 0 && this.inFlight === 0) {
          for (const resolve of this.idle) resolve();
          this.idle.clear();
        }
      });
    }
  }

  private async publish(b: HistoryBatch): Promise<void> {
    const batch = {
      msgId: b.msgId,
      tenant: this.tenant,
      writer: HISTORY_WRITER,
      records: b.lines,
    };
    for (let tries = 1; ; tries++) {
      try {
        const { duplicate } = await this.publisher.publish(batch);
        this.count(b.records, duplicate ? "duplicate" : "stored");
        this.lastError = "";
        return;
      } catch (error) {
        if (tries >= TRIES || this.stopped) {
          this.count(b.records, "dropped");
          this.warnOnce("Cannot publish alert history records: they are lost", String(error));
          return;
        }
        await Bun.sleep(500 * tries);
      }
    }
  }

  private count(records: readonly HistoryRecord[], outcome: string): void {
    let states = 0;
    for (const r of records) if (r.kind === "state") states++;
    if (states > 0) this.written.labels({ kind: "state", outcome }).inc(states);
    const notifications = records.length - states;
    if (notifications > 0)
      this.written.labels({ kind: "notification", outcome }).inc(notifications);
  }

  private warnOnce(message: string, error: string): void {
    if (error === this.lastError) return;
    this.lastError = error;
    log.warn(message, { error });
  }
}
