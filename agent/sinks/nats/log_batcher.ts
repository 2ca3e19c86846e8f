/**
 * The log half of the `nats` sink: log records are encoded into the ingest schema as they
 * arrive, sealed by count, size or age, compressed and spooled like metric batches, on the
 * subject `<prefix>.<tenant>.logs.<agent>`.
 *
 * Delivery is reported back: each `pushLogs()` promise settles when the batch holding those
 * records leaves the spool (after its PubAck, or dropped and counted there), which is when a
 * file source may move its checkpoint. A spooled batch also records, in a local header, the
 * furthest offset per file it holds, so a restarted agent resumes its files after the batches
 * the spool will still deliver instead of reading those lines again.
 */
import { join } from "node:path";
import { CHECKSUM_HEADER, checksumOf } from "../../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  type Codec,
  compress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../../shared/codec/compress.ts";
import { BatchEncoder } from "../../../shared/codec/encode.ts";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import {
  type Component,
  ComponentMetrics,
  type LogConsumer,
  type LogOrigin,
} from "../../pipeline/component.ts";
import { DELIVERED_FILE, DeliveredOffsets } from "./log_delivered.ts";
import { runEpoch } from "./msg_epoch.ts";
import { LOCAL_HEADER_PREFIX } from "./publisher.ts";
import type { Batch, SpoolEntry } from "./spool.ts";

const log = logger("nats-sink");

/** zstd level of log batches: 27 bytes per 200-byte line against 30 at level 1, ~1 µs a line. */
const LOG_ZSTD_LEVEL = 6;

/**
 * A batch is sealed once it covers this many file bytes, kept or dropped: below the 8 MiB a
 * file source may have unacknowledged before it stops reading.
 */
const COVERED_SEAL_BYTES = 4 * 1024 * 1024;

/** The spool header holding `{file key: offset}` of a log batch. */
export const LOG_OFFSETS_HEADER = `${LOCAL_HEADER_PREFIX}Log-Offsets`;

/** What the log batcher needs from the spool. */
export interface LogSpool {
  append(batch: Batch): Promise<void>;
  entries(): Iterable<SpoolEntry>;
  onRemove(listener: (entry: SpoolEntry) => void): () => void;
}

/** Options of the log batcher. */
export interface LogBatcherOptions {
  agentId: string;
  tenant: string;
  subjectPrefix: string;
  maxRecords: number;
  /** Seal before the uncompressed batch passes this size. */
  maxBytes: number;
  maxWaitMs: number;
  codec: Codec;
  spool: LogSpool;
  registry: Registry;
  /**
   * Folder of the delivered-offsets file (the spool's). When a log batch leaves the spool, the
   * furthest offset per file it held is written here first, so that a restarted source that
   * finds neither the batch in the spool nor a fresh enough checkpoint (they are written at
   * most once a second) still resumes after it.
   */
  stateDir: string;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Encodes, seals and spools log batches, and tells pushers when their batch is delivered. */
export class LogBatcher implements Component, LogConsumer {
  readonly id = "nats_logs";
  private readonly encoder = new BatchEncoder();
  private readonly epoch = runEpoch();
  private seq = 0;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private appending: Promise<void> = Promise.resolve();
  private readonly subject: string;
  private readonly component: ComponentMetrics;
  private readonly m: ReturnType<typeof logSinkMetrics>;
  /** The open batch's delivery and the offsets it holds. */
  private open: Deferred = deferred();
  private openOffsets = new Map<string, number>();
  private covered = 0;
  /** The last offset pushed per file (for `covered`). */
  private readonly lastOffsets = new Map<string, number>();
  /** Sealed batches not yet gone from the spool, by message id. */
  private readonly waiting = new Map<string, Deferred>();
  /** The offsets each pending batch holds, by message id. */
  private readonly offsetsOf = new Map<string, ReadonlyMap<string, number>>();
  private readonly delivered: DeliveredOffsets;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: LogBatcherOptions) {
    this.subject = `${opts.subjectPrefix}.${opts.tenant}.logs.${opts.agentId}`;
    this.component = new ComponentMetrics(opts.registry, this.id, "sink", "nats");
    this.m = logSinkMetrics(opts.registry);
    this.delivered = new DeliveredOffsets(join(opts.stateDir, DELIVERED_FILE));
    this.unsubscribe = opts.spool.onRemove((entry) => this.gone(entry.msgId, entry.headers));
  }

  /** Enables age-based sealing (armed when a batch opens, so an idle agent does not wake up). */
  start(): void {
    this.running = true;
    if (this.encoder.logCount > 0 || this.openOffsets.size > 0) this.armTimer();
  }

  /** Seals what is pending and waits until the spool holds it. */
  async stop(): Promise<void> {
    this.running = false;
    this.disarmTimer();
    this.seal();
    await this.appending;
  }

  /**
   * Stops following the spool. Only after the publisher stopped: a batch acknowledged while it
   * drains must still have its offsets written (see `stateDir`).
   */
  close(): void {
    this.unsubscribe();
  }

  /** Encodes records into the open batch; the promise settles when that batch is delivered. */
  pushLogs(records: readonly LogRecord[], origin?: LogOrigin): Promise<void> {
    if (records.length === 0 && !origin) return Promise.resolve();
    this.component.received.inc(records.length);
    const earlier: Promise<void>[] = [];
    for (const r of records) {
      // Times far apart (an old file next to a new one, a misread timestamp) go in a new batch.
      if (!this.encoder.logFits(r.timeNs)) {
        earlier.push(this.open.promise);
        this.seal();
      }
      this.encoder.addLog(r);
    }
    if (origin) {
      this.openOffsets.set(origin.file, origin.offset);
      // File bytes the open batch covers, sent or dropped by a stage: a source that drops most
      // lines waits for acknowledgements of bytes that never grow the batch.
      const last = this.lastOffsets.get(origin.file);
      if (last !== undefined && origin.offset > last) this.covered += origin.offset - last;
      if (this.lastOffsets.size >= 10_000) this.lastOffsets.clear();
      this.lastOffsets.set(origin.file, origin.offset);
    }
    const delivery =
      earlier.length > 0
        ? Promise.all([...earlier, this.open.promise]).then(() => {})
        : this.open.promise;
    if (
      this.encoder.logCount >= this.opts.maxRecords ||
      this.encoder.approximateBytes >= this.opts.maxBytes ||
      this.covered >= COVERED_SEAL_BYTES
    ) {
      this.seal();
    } else this.armTimer();
    return delivery;
  }

  /**
   * Log batches of an earlier run still in the spool, with the offsets they hold; first, as
   * one entry already delivered, the offsets of the batches that left the spool.
   */
  pendingLogs(): { offsets: ReadonlyMap<string, number>; delivered: Promise<void> }[] {
    const out: { offsets: ReadonlyMap<string, number>; delivered: Promise<void> }[] = [];
    const done = this.delivered.load();
    if (done.size > 0) out.push({ offsets: done, delivered: Promise.resolve() });
    for (const e of this.opts.spool.entries()) {
      const header = e.headers[LOG_OFFSETS_HEADER];
      if (!header) continue;
      const offsets = parseOffsets(header);
      if (!offsets) continue;
      let d = this.waiting.get(e.msgId);
      if (!d) {
        d = deferred();
        this.waiting.set(e.msgId, d);
      }
      this.offsetsOf.set(e.msgId, offsets);
      out.push({ offsets, delivered: d.promise });
    }
    return out;
  }

  /** Seals the open batch now (if any) and waits until every sealed batch is in the spool. */
  flush(): Promise<void> {
    this.seal();
    return this.appending;
  }

  private armTimer(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.seal();
    }, this.opts.maxWaitMs);
  }

  private disarmTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // Runs before the spool deletes the batch's file: see LogBatcherOptions.stateDir.
  private gone(msgId: string, headers: Readonly<Record<string, string>> = {}): void {
    // A batch of an earlier run may be acknowledged before the sources asked for pendingLogs():
    // its offsets then come from its header.
    const header = headers[LOG_OFFSETS_HEADER];
    const offsets = this.offsetsOf.get(msgId) ?? (header ? parseOffsets(header) : undefined);
    if (offsets) {
      this.offsetsOf.delete(msgId);
      this.delivered.advance(offsets);
    }
    const d = this.waiting.get(msgId);
    if (!d) return;
    this.waiting.delete(msgId);
    d.resolve();
  }

  private seal(): void {
    this.disarmTimer();
    const records = this.encoder.logCount;
    const done = this.open;
    const offsets = this.openOffsets;
    this.open = deferred();
    this.openOffsets = new Map();
    this.covered = 0;
    if (records === 0) {
      // Only offsets (lines a stage dropped): nothing to send, delivered once earlier batches are.
      if (offsets.size > 0) void this.appending.then(() => this.afterPending(done));
      return;
    }
    const raw = this.encoder.finish();
    const payload = compress(this.opts.codec, raw, LOG_ZSTD_LEVEL);
    const msgId = `${this.opts.agentId}-logs-${this.epoch}-${this.seq++}`;
    this.m.batches.inc();
    this.m.rawBytes.inc(raw.length);
    this.m.wireBytes.inc(payload.length);
    this.m.records.inc(records);
    const headers: Record<string, string> = {
      [CODEC_HEADER]: this.opts.codec,
      [SCHEMA_HEADER]: SCHEMA_INGEST_V1,
      [CHECKSUM_HEADER]: checksumOf(raw),
    };
    if (offsets.size > 0) headers[LOG_OFFSETS_HEADER] = JSON.stringify(Object.fromEntries(offsets));
    this.waiting.set(msgId, done);
    if (offsets.size > 0) this.offsetsOf.set(msgId, offsets);
    const batch = { msgId, subject: this.subject, headers, payload };
    this.appending = this.appending.then(() =>
      this.opts.spool.append(batch).then(
        () => this.component.sent.inc(records),
        (err) => {
          // Never spooled: the lines are lost unless the source reads them again; say so.
          this.component.errors.inc();
          this.component.discarded.inc(records);
          log.error("Cannot spool log batch; its lines are lost", {
            msg_id: msgId,
            records,
            error: String(err),
          });
          this.gone(msgId);
        },
      ),
    );
  }

  /** Resolves `done` once every batch sealed before it has left the spool. */
  private afterPending(done: Deferred): void {
    const earlier = [...this.waiting.values()].map((d) => d.promise);
    void Promise.all(earlier).then(() => done.resolve());
  }
}

/** The offsets header of a spooled log batch, or undefined when it cannot be read. */
function parseOffsets(header: string): Map<string, number> | undefined {
  try {
    return new Map(Object.entries(JSON.parse(header) as Record<string, number>));
  } catch {
    return undefined;
  }
}

function logSinkMetrics(r: Registry) {
  return {
    batches: r.counter(
      "outpost_agent_log_batches_sealed_total",
      "Log batches sealed by the NATS sink.",
    ),
    rawBytes: r.counter(
      "outpost_agent_log_batch_encoded_bytes_total",
      "Protobuf bytes of sealed log batches, before compression.",
    ),
    wireBytes: r.counter(
      "outpost_agent_log_batch_compressed_bytes_total",
      "Bytes of sealed log batches after compression.",
    ),
    records: r.counter("outpost_agent_log_batch_records_total", "Log records in sealed batches."),
  };
}
