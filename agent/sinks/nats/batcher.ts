import { CHECKSUM_HEADER, checksumOf } from "../../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  type Codec,
  compress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../../shared/codec/compress.ts";
import { BatchEncoder } from "../../../shared/codec/encode.ts";
import { assembleJournal } from "../../../shared/codec/journal.ts";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import { runEpoch } from "./msg_epoch.ts";
import type { Wal } from "./wal.ts";

const log = logger("nats-sink");

/** Rows encoded between two size checks (a few hundred KB at most). */
const CHUNK_ROWS = 2048;

/**
 * Metadata goes out when a family is new or changed, and all of it again this often, so an
 * aggregator that starts later (or lost its state) learns it. Prometheus's remote write sends
 * it every minute; HELP texts are large next to samples, so this is rarer.
 */
const METADATA_RESEND_MS = 10 * 60_000;

/** Where sealed batches go: the spool (append must be durable when the promise resolves). */
export interface BatchStore {
  append(batch: {
    msgId: string;
    subject: string;
    headers: Record<string, string>;
    payload: Uint8Array;
  }): Promise<void>;
  /** Whether a batch with this id is waiting in the store. */
  has(msgId: string): boolean;
}

/** Options of the batcher. */
export interface BatcherOptions {
  agentId: string;
  tenant: string;
  subjectPrefix: string;
  maxSamples: number;
  /** Seal before the uncompressed batch passes this size (NATS refuses payloads over max_payload). */
  maxBytes: number;
  maxWaitMs: number;
  codec: Codec;
  store: BatchStore;
  registry: Registry;
  /** The write-ahead log of the open batch; without it the open batch lives in memory only. */
  wal?: Wal;
}

/**
 * The encoding half of the `nats` sink: samples are encoded into the ingest schema as they
 * arrive, and the batch is sealed by size or age, compressed and handed to the spool with a
 * message id `<agent>-<start ms>-<random>-<seq>` (msg_epoch.ts) that makes JetStream drop
 * duplicates.
 */
export class Batcher implements Component, SampleConsumer {
  readonly id = "nats";
  private readonly encoder = new BatchEncoder();
  private readonly epoch = runEpoch();
  private seq = 0;
  /** Message id of the open batch, given when it opens so that its log file can name it. */
  private msgId = "";
  private running = false;
  /** Latest metadata per family, and the families to put into the next batch. */
  private readonly knownMeta = new Map<string, MetricMetadata>();
  private readonly pendingMeta = new Set<string>();
  private metaSentAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private appending: Promise<void> = Promise.resolve();
  private readonly subject: string;
  private readonly component: ComponentMetrics;
  private readonly m: ReturnType<typeof sinkMetrics>;

  constructor(private readonly opts: BatcherOptions) {
    this.subject = `${opts.subjectPrefix}.${opts.tenant}.metrics.${opts.agentId}`;
    this.component = new ComponentMetrics(opts.registry, this.id, "sink", "nats");
    this.m = sinkMetrics(opts.registry);
  }

  /**
   * Enables age-based sealing. The timer is armed when a batch opens, not ticking: an idle
   * agent should not wake up (each wake-up costs CPU on a host that runs nothing else).
   */
  start(): void {
    this.running = true;
    if (this.encoder.samples > 0) this.armTimer();
  }

  /** Seals what is pending and waits until the spool holds it. */
  async stop(): Promise<void> {
    this.running = false;
    this.disarmTimer();
    if (this.encoder.samples > 0) this.seal();
    await this.appending;
  }

  /** Encodes a block (synchronously; the caller may reuse it afterwards). */
  consume(block: SampleBlock): void {
    if (block.length === 0) return;
    this.component.received.inc(block.length);
    // Encode in chunks so the size check runs often enough to keep every batch below
    // NATS's max_payload, and no batch passes max_samples.
    let from = 0;
    while (from < block.length) {
      if (this.encoder.samples === 0) this.open();
      const room = Math.max(1, this.opts.maxSamples - this.encoder.samples);
      const to = Math.min(block.length, from + Math.min(room, CHUNK_ROWS));
      this.encoder.addBlock(block, from, to);
      from = to;
      if (
        this.encoder.samples >= this.opts.maxSamples ||
        this.encoder.approximateBytes >= this.opts.maxBytes
      ) {
        this.seal();
      }
    }
    this.journal();
  }

  /** Queues HELP/TYPE/UNIT that are new or changed for the next batch. */
  consumeMetadata(metadata: readonly MetricMetadata[]): void {
    for (const m of metadata) {
      const known = this.knownMeta.get(m.name);
      if (known && known.type === m.type && known.help === m.help && known.unit === m.unit)
        continue;
      this.knownMeta.set(m.name, { ...m });
      this.pendingMeta.add(m.name);
    }
  }

  /** Seals the open batch now (if any) and waits until every sealed batch is in the store. */
  flush(): Promise<void> {
    if (this.encoder.samples > 0) this.seal();
    return this.appending;
  }

  private addMetadata(): void {
    const now = Date.now();
    if (now - this.metaSentAt >= METADATA_RESEND_MS) {
      for (const name of this.knownMeta.keys()) this.pendingMeta.add(name);
      this.metaSentAt = now;
    }
    for (const name of this.pendingMeta) this.encoder.addMetadata(this.knownMeta.get(name)!);
    this.pendingMeta.clear();
  }

  /**
   * Rebuilds the batches a crash left open from the write-ahead log and spools them under
   * their own message ids (JetStream drops one that had arrived). Run before the first scrape.
   */
  async recover(): Promise<void> {
    const wal = this.opts.wal;
    if (!wal) return;
    for (const open of await wal.recover()) {
      if (open.records.length > 0 && !this.opts.store.has(open.msgId)) {
        const { bytes, samples } = assembleJournal(open.records);
        try {
          await this.opts.store.append(this.sealed(open.msgId, open.subject, bytes));
          wal.countRecovered(samples);
          log.info("Spooled the open batch a crash left in the write-ahead log", {
            msg_id: open.msgId,
            samples,
          });
        } catch (err) {
          this.component.errors.inc();
          this.component.discarded.inc(samples);
          log.error(
            "Cannot spool the batch recovered from the write-ahead log; its samples are lost",
            {
              msg_id: open.msgId,
              samples,
              error: String(err),
            },
          );
        }
      }
      await wal.release(open.file);
    }
  }

  /** Opens a batch: its id, its log file and its age timer. */
  private open(): void {
    this.msgId = `${this.opts.agentId}-${this.epoch}-${this.seq++}`;
    this.opts.wal?.begin(this.msgId, this.subject);
    this.armTimer();
  }

  /** Writes what the open batch gained since the last call to the log. */
  private journal(): void {
    if (this.opts.wal && this.encoder.samples > 0) {
      this.opts.wal.append((w) => this.encoder.journal(w));
    }
  }

  private armTimer(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.encoder.samples > 0) this.seal();
    }, this.opts.maxWaitMs);
  }

  private disarmTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private seal(): void {
    this.disarmTimer();
    // Everything up to here is in the log; the metadata added now is not (a restarted agent
    // sends all of it again).
    this.journal();
    const walFile = this.opts.wal?.close() ?? "";
    this.addMetadata();
    const samples = this.encoder.samples;
    const msgId = this.msgId;
    const batch = this.sealed(msgId, this.subject, this.encoder.finish());
    this.m.batches.inc();
    this.m.samples.inc(samples);
    this.appending = this.appending.then(() =>
      this.opts.store.append(batch).then(
        () => {
          this.component.sent.inc(samples);
          return this.opts.wal?.release(walFile);
        },
        (err) => {
          void this.opts.wal?.release(walFile);
          this.component.errors.inc();
          this.component.discarded.inc(samples);
          log.error("Cannot spool batch; its samples are lost", {
            msg_id: msgId,
            samples,
            error: String(err),
          });
        },
      ),
    );
  }

  /** A sealed batch as the store takes it: compressed, with its headers. */
  private sealed(msgId: string, subject: string, raw: Uint8Array): Batch {
    const payload = compress(this.opts.codec, raw);
    this.m.rawBytes.inc(raw.length);
    this.m.wireBytes.inc(payload.length);
    return {
      msgId,
      subject,
      headers: {
        [CODEC_HEADER]: this.opts.codec,
        [SCHEMA_HEADER]: SCHEMA_INGEST_V1,
        [CHECKSUM_HEADER]: checksumOf(raw),
      },
      payload,
    };
  }
}

type Batch = Parameters<BatchStore["append"]>[0];

function sinkMetrics(r: Registry) {
  return {
    batches: r.counter("outpost_agent_batches_sealed_total", "Batches sealed by the NATS sink."),
    rawBytes: r.counter(
      "outpost_agent_batch_encoded_bytes_total",
      "Protobuf bytes of sealed batches, before compression.",
    ),
    wireBytes: r.counter(
      "outpost_agent_batch_compressed_bytes_total",
      "Bytes of sealed batches after compression.",
    ),
    samples: r.counter("outpost_agent_batch_samples_total", "Samples in sealed batches."),
  };
}
