/**
 * Writes history records into the ingest stream, one message per record under the record's
 * own id (record.ts), in the background: the evaluator and the dispatcher never wait on NATS.
 * A full queue, a disabled history or a publish that keeps failing drops the record, counted
 * and logged once per cause.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { type HistoryRecord, historyMsgId, toLogRecord } from "./record.ts";

const log = logger("history");

/** The `<agent>` of the subject history is published on: `<prefix>.<tenant>.logs.alert_history`. */
export const HISTORY_WRITER = "alert_history";
/** Records waiting to be published, at most. */
export const MAX_QUEUED = 50_000;
/** Publishes in flight at once. */
const CONCURRENCY = 16;
/** Tries of one publish before the record is dropped. */
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
  private readonly queue: HistoryRecord[] = [];
  private inFlight = 0;
  private readonly idle = new Set<() => void>();
  private readonly written: Metric;
  private lastError = "";

  constructor(
    private readonly publisher: HistoryPublisher,
    private readonly tenant: string,
    registry: Registry,
  ) {
    this.written = registry.counter(
      "outpost_alert_history_records_total",
      "Alert history records, by kind and outcome (stored, duplicate, dropped).",
      ["kind", "outcome"],
    );
  }

  /** Queues a record; drops it (counted) when the queue is full. */
  record(r: HistoryRecord): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.written.labels({ kind: r.kind, outcome: "dropped" }).inc();
      this.warnOnce("Cannot keep up with alert history: records are dropped", "queue full");
      return;
    }
    this.queue.push(r);
    this.pump();
  }

  /** Resolves once every queued record was published or dropped. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private pump(): void {
    while (this.inFlight < CONCURRENCY && this.queue.length > 0) {
      const r = this.queue.shift() as HistoryRecord;
      this.inFlight++;
      void this.publish(r).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.queue.length === 0 && this.inFlight === 0) {
          for (const resolve of this.idle) resolve();
          this.idle.clear();
        }
      });
    }
  }

  private async publish(r: HistoryRecord): Promise<void> {
    const batch = {
      msgId: historyMsgId(this.tenant, r),
      tenant: this.tenant,
      writer: HISTORY_WRITER,
      records: [toLogRecord(r)],
    };
    for (let tries = 1; ; tries++) {
      try {
        const { duplicate } = await this.publisher.publish(batch);
        this.written.labels({ kind: r.kind, outcome: duplicate ? "duplicate" : "stored" }).inc();
        this.lastError = "";
        return;
      } catch (error) {
        if (tries >= TRIES) {
          this.written.labels({ kind: r.kind, outcome: "dropped" }).inc();
          this.warnOnce("Cannot publish an alert history record: it is lost", String(error));
          return;
        }
        await Bun.sleep(500 * tries);
      }
    }
  }

  private warnOnce(message: string, error: string): void {
    if (error === this.lastError) return;
    this.lastError = error;
    log.warn(message, { error });
  }
}
