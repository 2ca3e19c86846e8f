/**
 * The JetStream side of ingest: one durable pull consumer shared by every aggregator (so two
 * aggregators split the stream), pulling batches, handing good ones to the store and parking
 * bad ones on a dead-letter stream. A batch is acknowledged only when the store says its data
 * is committed (see `ack`), which makes JetStream the write-ahead log.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  NatsError,
  nanos,
  headers as natsHeaders,
} from "nats";
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import { closeNats } from "../../shared/nats/close.ts";
import { ensureStream, MIN_DUPLICATE_WINDOW_MS } from "../../shared/nats/stream.ts";
import type { AggregatorNatsConfig } from "../config/schema.ts";
import { connectNats } from "./connect.ts";
import { followLogs, type LogFollow, type LogFollowSink } from "./follow_logs.ts";
import { decodeFrame, type Frame, FrameError } from "./frame.ts";
import { type KeyValueStore, natsKeyValue } from "./kv.ts";
import { Lease } from "./lease.ts";
import { connectionKey } from "./message_ids.ts";
import { IngestMetrics } from "./metrics.ts";
import { RuleBatchPublisher } from "./publish.ts";
import { LogBatchPublisher } from "./publish_logs.ts";

const log = logger("ingest");
const DEAD_LETTER_STREAM = "OUTPOST_DEADLETTER";
const CONSUMER_NOT_FOUND = 10014;

/** Where accepted batches go. */
export interface IngestSink {
  /** Stores a batch under its stream sequence; false asks the consumer to pause (memory full). */
  accept(frame: Frame, seq: number): boolean;
  /** True when the batch's data is already in a committed file (a redelivery after a crash). */
  isCommitted(seq: number, redelivered: boolean): Promise<boolean>;
  /** Resolves when the sink has room again after `accept` returned false. */
  drained(): Promise<void>;
}

/** What a tenant's ingest rate says of a batch: store it, hand it back for `ms`, or park it. */
export type IngestVerdict =
  | { readonly kind: "accept" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "refuse"; readonly reason: string; readonly message: string };

/** Asked once per decoded batch before it is stored (the tenant limits, limits/ingest.ts). */
export interface IngestAdmission {
  /** `deliveries` counts this one: 1 the first time JetStream delivers the batch. */
  admit(frame: Frame, deliveries: number): IngestVerdict;
}

/** Options of the consumer. */
export interface IngestConsumerOptions {
  nats: AggregatorNatsConfig;
  /** Connection name shown by the server's monitoring. */
  name: string;
  sink: IngestSink;
  /** Rate limits asked before a batch is stored; none admits everything. */
  admission?: IngestAdmission;
  registry: Registry;
  /** Batches pulled per request. */
  fetchBatch?: number;
}

/** Pulls batches from JetStream and acknowledges them once stored. */
export class IngestConsumer {
  private nc!: NatsConnection;
  private js!: JetStreamClient;
  /** Kept: each `jetstreamManager()` asks the server for its account info first. */
  private jsm!: JetStreamManager;
  /** Reply subjects of delivered, unacknowledged batches by stream sequence. */
  private readonly pending = new Map<number, string>();
  private readonly metrics: IngestMetrics;
  private stopping = false;
  private closed = false;
  private messages: ConsumerMessages | null = null;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private loop: Promise<void> | null = null;
  private deadLetterReasons = new Set<string>();
  private readonly followSkipped: Metric;

  constructor(private readonly opts: IngestConsumerOptions) {
    this.metrics = new IngestMetrics(opts.registry);
    this.followSkipped = opts.registry.counter(
      "outpost_logs_tail_skipped_batches_total",
      "Log batches that live tails skipped because they could not be decoded.",
    );
    this.followSkipped.inc(0);
  }

  /**
   * Connects (waiting for NATS if it is not up yet), creates the stream, the dead-letter stream
   * and the durable consumer if missing, then pulls.
   */
  async start(): Promise<void> {
    const nc = await connectNats(this.opts.nats, this.opts.name);
    // close() came while the server was awaited (a start given up on): close it as it arrives.
    if (this.closed) {
      await nc.close();
      throw new Error("Cannot connect to NATS: closed while connecting");
    }
    this.nc = nc;
    this.js = nc.jetstream();
    this.jsm = await nc.jetstreamManager();
    await this.ensureStreams(this.jsm);
    await this.ensureConsumer(this.jsm);
    // A stop() during the setup above ends here: no pulling, no timer left behind it.
    if (this.stopping) return;
    this.loop = this.run();
    // Batches wait for a flush before their ack; tell JetStream we are still working on them,
    // so a flush slower than usual does not hand them to another aggregator.
    this.keepAlive = setInterval(() => this.touch(), Math.max(1_000, this.opts.nats.ack_wait / 3));
  }

  /** Stops pulling; unacknowledged batches will be redelivered to another aggregator. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.messages?.stop();
    await this.loop;
  }

  /** A key-value bucket on this connection, for state the aggregators share (silences). */
  keyValue(bucket: string): KeyValueStore {
    return natsKeyValue(this.nc, bucket);
  }

  /** The aggregators' shared key for their batches' message ids (message_ids.ts). */
  private readonly messageIdKey = connectionKey(() => this.nc);

  /** A lease on this consumer's connection (see lease.ts); null before start(). */
  lease(name: string, holder: string, ttlMs: number): Lease | null {
    return this.nc ? new Lease(this.nc, name, holder, ttlMs) : null;
  }

  /** Publishes rule evaluation output into the stream on this consumer's connection. */
  rulePublisher(): RuleBatchPublisher {
    return new RuleBatchPublisher(
      () => this.js ?? null,
      this.opts.nats.subject_prefix,
      this.messageIdKey,
    );
  }

  /** Publishes the aggregator's own log records (alert history) on this consumer's connection. */
  logPublisher(): LogBatchPublisher {
    return new LogBatchPublisher(
      () => this.js ?? null,
      this.opts.nats.subject_prefix,
      this.messageIdKey,
    );
  }

  /** Follows every log batch entering the stream from now on, for live tails (follow_logs.ts). */
  followLogs(sink: LogFollowSink, sinceMs: number): Promise<LogFollow> {
    if (!this.js)
      return Promise.reject(new Error("Cannot follow log batches: NATS is not connected yet"));
    return followLogs(this.js, this.opts.nats, sink, this.followSkipped, sinceMs);
  }

  /**
   * Sends the acknowledgements still buffered and closes the connection (closeNats: bounded,
   * and shared by every caller); a connect still under way is closed when it comes.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.nc) await closeNats(this.nc);
  }

  /** Number of batches held unacknowledged. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Acknowledges the batches with these sequences (their data is committed). */
  ack(seqs: Iterable<number>): void {
    for (const seq of seqs) {
      const reply = this.pending.get(seq);
      if (reply === undefined) continue;
      this.nc.publish(reply);
      this.pending.delete(seq);
      this.metrics.acked.inc();
    }
  }

  /** Tells JetStream that every pending batch is still being worked on (resets ack_wait). */
  touch(): void {
    const wpi = new TextEncoder().encode("+WPI");
    for (const reply of this.pending.values()) this.nc.publish(reply, wpi);
  }

  /** Consumer lag (batches not yet delivered) and batches waiting for acknowledgement. */
  async lag(): Promise<{ pending: number; ackPending: number }> {
    const info = await this.jsm.consumers.info(this.opts.nats.stream, this.opts.nats.consumer);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  private async run(): Promise<void> {
    const n = this.opts.nats;
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(n.stream, n.consumer);
        // consume() keeps pull requests topped up and holds at most this many batches unread;
        // while the sink is full the loop below simply stops reading.
        const msgs = await consumer.consume({ max_messages: this.opts.fetchBatch ?? 32 });
        this.messages = msgs;
        // A stop() while consume() was on its way found no messages to stop: with nothing
        // arriving, the loop below would wait for a batch before it looked again.
        if (this.stopping) {
          msgs.stop();
          break;
        }
        for await (const msg of msgs) {
          if (!(await this.handle(msg))) await this.opts.sink.drained();
          if (this.stopping) break;
        }
      } catch (err) {
        // The batches this subscription buffered go back to JetStream (redelivered later).
        this.messages?.stop();
        if (this.stopping) break;
        this.metrics.fetchErrors.inc();
        log.warn("Cannot fetch batches: retrying", { error: String(err) });
        await Bun.sleep(1_000);
      }
    }
  }

  /** Handles one message; false when the sink is full and the loop should wait. */
  private async handle(msg: JsMsg): Promise<boolean> {
    const seq = msg.seq;
    this.metrics.received.inc();
    this.metrics.receivedBytes.inc(msg.data.length);
    if (this.pending.has(seq)) {
      // Redelivered to us while still held: keep the newer reply subject, store nothing twice.
      this.pending.set(seq, replyOf(msg));
      this.metrics.redelivered.inc();
      return true;
    }
    let frame: Frame;
    try {
      const n = this.opts.nats;
      frame = decodeFrame(msg.subject, n.subject_prefix, msg.headers, msg.data, n.max_batch_bytes);
    } catch (err) {
      await this.deadLetter(msg, err);
      return true;
    }
    if (!frame.checked) this.metrics.unchecked.inc();
    if (await this.opts.sink.isCommitted(seq, msg.info.redelivered)) {
      this.metrics.skipped.inc();
      msg.ack();
      return true;
    }
    const verdict = this.opts.admission?.admit(frame, msg.info.redeliveryCount);
    if (verdict?.kind === "delay") {
      // Not stored, not held: JetStream delivers it again after the delay.
      msg.nak(verdict.ms);
      return true;
    }
    if (verdict?.kind === "refuse") {
      await this.deadLetter(msg, new DeadLetter(verdict.reason, verdict.message), false);
      return true;
    }
    this.pending.set(seq, replyOf(msg));
    this.metrics.samples.inc(frame.batch.samples.length);
    return this.opts.sink.accept(frame, seq);
  }

  /** Parks `msg` on the dead-letter stream; `logOnce` false when the caller logs it itself. */
  private async deadLetter(msg: JsMsg, err: unknown, logOnce = true): Promise<void> {
    const fault = err instanceof FrameError || err instanceof DeadLetter ? err.fault : "decode";
    const message = (err as Error).message;
    this.metrics.deadLettered.labels({ reason: fault }).inc();
    if (logOnce && !this.deadLetterReasons.has(fault)) {
      this.deadLetterReasons.add(fault);
      log.error("Parking a batch on the dead-letter stream (logged once per reason)", {
        reason: fault,
        subject: msg.subject,
        seq: msg.seq,
        error: message,
      });
    }
    const h = natsHeaders();
    if (msg.headers) for (const [k, v] of msg.headers) h.set(k, v.join(","));
    h.set("Outpost-Dead-Letter-Reason", message.slice(0, 1000));
    h.set("Outpost-Original-Subject", msg.subject);
    h.set("Outpost-Original-Seq", String(msg.seq));
    try {
      await this.js.publish(`${this.opts.nats.dead_letter_subject}.${fault}`, msg.data, {
        headers: h,
      });
    } catch (pubErr) {
      // Not acknowledged: JetStream delivers it again in a while, and parking is retried then.
      this.metrics.deadLetterErrors.inc();
      log.warn("Cannot park a batch on the dead-letter stream: retrying later", {
        seq: msg.seq,
        error: String(pubErr),
      });
      msg.nak(30_000);
      return;
    }
    msg.ack();
  }

  private async ensureStreams(jsm: JetStreamManager): Promise<void> {
    const n = this.opts.nats;
    await ensureStream(jsm, {
      name: n.stream,
      subjects: [`${n.subject_prefix}.>`],
      maxAgeMs: n.stream_max_age,
      maxBytes: n.stream_max_bytes,
      duplicateWindowMs: MIN_DUPLICATE_WINDOW_MS,
    });
    await ensureStream(jsm, {
      name: DEAD_LETTER_STREAM,
      subjects: [`${n.dead_letter_subject}.>`],
      maxAgeMs: 7 * 24 * 3_600_000,
      maxBytes: 1024 ** 3,
      duplicateWindowMs: MIN_DUPLICATE_WINDOW_MS,
    });
  }

  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const n = this.opts.nats;
    try {
      await jsm.consumers.info(n.stream, n.consumer);
      return;
    } catch (err) {
      if (!(err instanceof NatsError) || err.api_error?.err_code !== CONSUMER_NOT_FOUND) throw err;
    }
    await jsm.consumers.add(n.stream, {
      durable_name: n.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${n.subject_prefix}.>`,
      ack_wait: nanos(n.ack_wait),
      max_ack_pending: n.max_ack_pending,
      max_deliver: -1,
    });
    log.info("Created the durable consumer", { stream: n.stream, consumer: n.consumer });
  }
}

/** A readable batch parked for a reason of its own (a tenant's rate limit). */
class DeadLetter extends Error {
  constructor(
    readonly fault: string,
    message: string,
  ) {
    super(message);
  }
}

/** The subject an acknowledgement goes to; nats.js keeps it on the message but not in the type. */
function replyOf(msg: JsMsg): string {
  return (msg as JsMsg & { readonly reply: string }).reply;
}
