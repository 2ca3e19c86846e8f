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
import type { SampleBlock } from "../../../shared/model/block.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";

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
}

/**
 * The encoding half of the `nats` sink: samples are encoded into the ingest schema as they
 * arrive, and the batch is sealed by size or age, compressed and handed to the spool with a
 * message id `<agent>-<epoch>-<seq>` that makes JetStream drop duplicates.
 */
export class Batcher implements Component, SampleConsumer {
  readonly id = "nats";
  private readonly encoder = new BatchEncoder();
  private readonly epoch = Date.now();
  private seq = 0;
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
      if (this.encoder.samples === 0) this.armTimer();
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
    this.addMetadata();
    const samples = this.encoder.samples;
    const raw = this.encoder.finish();
    const payload = compress(this.opts.codec, raw);
    const msgId = `${this.opts.agentId}-${this.epoch}-${this.seq++}`;
    this.m.batches.inc();
    this.m.rawBytes.inc(raw.length);
    this.m.wireBytes.inc(payload.length);
    this.m.samples.inc(samples);
    const batch = {
      msgId,
      subject: this.subject,
      headers: {
        [CODEC_HEADER]: this.opts.codec,
        [SCHEMA_HEADER]: SCHEMA_INGEST_V1,
        [CHECKSUM_HEADER]: checksumOf(raw),
      },
      payload,
    };
    this.appending = this.appending.then(() =>
      this.opts.store.append(batch).then(
        () => this.component.sent.inc(samples),
        (err) => {
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
}

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
