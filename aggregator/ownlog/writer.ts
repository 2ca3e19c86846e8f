/**
 * Writes records of the aggregator's own logs (alert history, the audit log) into the ingest
 * stream in batches (batch.ts) under ids derived from their records', in the background: the
 * caller never waits on NATS, and several batches are in flight at once. A full queue, a
 * stopped writer or a publish that keeps failing drops the records, counted and logged once
 * per cause.
 */
import { logger } from "../../shared/log/log.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { Batcher, type Batching, type OwnLogBatch, type OwnLogCodec } from "./batch.ts";

const log = logger("ownlog");

/** Records waiting to be published (in open and cut batches), at most. */
export const MAX_QUEUED = 50_000;
/** Batches in flight at once. */
const CONCURRENCY = 16;
/** Tries of one publish before its records are dropped. */
const TRIES = 3;

/** Where records go: aggregator/ingest/publish_logs.ts in an aggregator, memory in tests. */
export interface OwnLogPublisher {
  publish(batch: {
    msgId: string;
    tenant: string;
    writer: string;
    records: readonly LogRecord[];
  }): Promise<{ duplicate: boolean }>;
}

/** What one writer writes, and how it counts it. */
export interface OwnLogKind<R> extends OwnLogCodec<R> {
  /** The `<agent>` of the subject: `<prefix>.<tenant>.logs.<writer>`. */
  readonly writer: string;
  /** What the records are, in messages ("alert history"). */
  readonly what: string;
  /** Counts records by outcome (stored, duplicate, dropped). */
  count(records: readonly R[], outcome: "stored" | "duplicate" | "dropped"): void;
}

/** The writer of one kind of record for one tenant. */
export class OwnLogWriter<R> {
  private readonly batcher: Batcher<R>;
  private readonly queue: OwnLogBatch<R>[] = [];
  /** Records in `queue`. */
  private queued = 0;
  private inFlight = 0;
  private stopped = false;
  private readonly idle = new Set<() => void>();
  private lastError = "";

  constructor(
    private readonly kind: OwnLogKind<R>,
    private readonly publisher: OwnLogPublisher,
    private readonly tenant: string,
    batching: Batching,
  ) {
    this.batcher = new Batcher(kind, batching, tenant, (b) => {
      this.queue.push(b);
      this.queued += b.records.length;
      this.pump();
    });
  }

  /** Queues a record; drops it (counted) when the queue is full or the writer stopped. */
  record(r: R): void {
    if (this.stopped) {
      this.kind.count([r], "dropped");
      this.warnOnce(`Cannot record ${this.kind.what}: the writer has stopped`, "stopped");
      return;
    }
    if (this.queued + this.batcher.size >= MAX_QUEUED) {
      this.kind.count([r], "dropped");
      this.warnOnce(`Cannot keep up with ${this.kind.what}: records are dropped`, "queue full");
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
    for (const b of left) this.kind.count(b.records, "dropped");
    if (left.length > 0)
      this.warnOnce(`Cannot publish ${this.kind.what} before stopping: records are lost`, "stop");
  }

  private pump(): void {
    while (this.inFlight < CONCURRENCY && this.queue.length > 0) {
      const b = this.queue.shift() as OwnLogBatch<R>;
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

  private async publish(b: OwnLogBatch<R>): Promise<void> {
    const batch = {
      msgId: b.msgId,
      tenant: this.tenant,
      writer: this.kind.writer,
      records: b.lines,
    };
    for (let tries = 1; ; tries++) {
      try {
        const { duplicate } = await this.publisher.publish(batch);
        this.kind.count(b.records, duplicate ? "duplicate" : "stored");
        this.lastError = "";
        return;
      } catch (error) {
        if (tries >= TRIES || this.stopped) {
          this.kind.count(b.records, "dropped");
          this.warnOnce(`Cannot publish ${this.kind.what} records: they are lost`, String(error));
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

/**
 * A publisher that forwards to one set later (the ingest consumer's, once NATS is connected);
 * until then a publish fails, and the writer tries again.
 */
export class LatePublisher implements OwnLogPublisher {
  private target: OwnLogPublisher | null = null;

  constructor(private readonly what: string) {}

  /** Publishes through `target` from now on. */
  connect(target: OwnLogPublisher): void {
    this.target = target;
  }

  /** Publishes through the target, or throws when there is none yet. */
  publish(batch: Parameters<OwnLogPublisher["publish"]>[0]): Promise<{ duplicate: boolean }> {
    if (!this.target) throw new Error(`Cannot publish ${this.what}: NATS is not connected`);
    return this.target.publish(batch);
  }
}
