/**
 * The delivery half of the `nats` sink: it takes batches from the spool, oldest first, publishes
 * them to JetStream with their `Nats-Msg-Id`, and deletes each one only after its PubAck. While
 * NATS is away nothing is taken out of the spool; when a publish fails, every batch from the
 * oldest unacknowledged one on is sent again with the same message id, so JetStream's duplicate
 * window turns "at least once" into "exactly once in the stream".
 */

import { ErrorCode, headers, type JetStreamClient, NatsError } from "nats";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { ensureStream } from "../../../shared/nats/stream.ts";
import { within } from "../../../shared/runtime/deadline.ts";
import type { NatsConfig } from "../../config/schema.ts";
import { delay, NatsLink } from "./connection.ts";
import type { SpoolEntry } from "./spool.ts";

const log = logger("nats-publisher");

/** Spool headers with this prefix are the agent's own bookkeeping and are not published. */
export const LOCAL_HEADER_PREFIX = "Outpost-Local-";

/** What the publisher needs from the spool. */
export interface PublishQueue {
  /** Pending entries, oldest first. */
  entries(): Iterable<SpoolEntry>;
  /** The payload, or null when the entry is gone. */
  read(entry: SpoolEntry): Promise<Uint8Array | null>;
  remove(msgId: string): Promise<void>;
  onAppend(listener: () => void): () => void;
  /** Number of pending entries. */
  readonly count: number;
}

/** Options of the publisher: the agent's `nats` config section plus tuning for tests. */
export interface PublisherOptions {
  nats: NatsConfig;
  spool: PublishQueue;
  registry: Registry;
  /** Connection name shown by the server's monitoring. */
  name?: string;
  /** Retry delays after a failure: doubling from `min` up to `max` (default 100 ms → 5 s). */
  backoffMs?: { min: number; max: number };
  /** How long `stop()` waits for outstanding PubAcks (default 5 s). */
  stopTimeoutMs?: number;
  /** Delay between reconnect attempts (default 1 s). */
  reconnectWaitMs?: number;
  /** Prefix of reply subjects; an enrolled agent may subscribe only below its own. */
  inboxPrefix?: string;
}

/** Publishes spooled batches to JetStream in order, surviving NATS outages. */
export class Publisher {
  private readonly m: ReturnType<typeof publisherMetrics>;
  private readonly link: NatsLink;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stopped = new AbortController();
  private streamChecked = false;
  private failed = false;
  private deniedLogged = false;
  private failures = 0;
  private lastIssuedSeq = -1;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private retry: AbortController | null = null;
  private delivering: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private shutdownDone: Promise<void> | null = null;

  constructor(private readonly opts: PublisherOptions) {
    this.m = publisherMetrics(opts.registry);
    this.link = new NatsLink({
      nats: opts.nats,
      name: opts.name ?? "outpost-agent",
      reconnectWaitMs: opts.reconnectWaitMs ?? 1_000,
      connectedGauge: this.m.connected,
      onChange: (up) => this.connectionChanged(up),
      inboxPrefix: opts.inboxPrefix,
    });
  }

  /** Starts connecting and delivering in the background; aborting `signal` stops it. */
  start(signal?: AbortSignal): void {
    if (this.delivering || this.shutdownDone) {
      throw new Error("Cannot start publisher: it has been started before");
    }
    if (signal?.aborted) return;
    signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.unsubscribe = this.opts.spool.onAppend(() => this.notify());
    this.link.start();
    this.delivering = this.deliver();
  }

  /**
   * Waits at most `timeoutMs` for the spool to empty while NATS is reachable, so a graceful
   * shutdown delivers the last batch; returns whether it did. What is left stays spooled.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.opts.spool.count > 0 && this.link.connected && Date.now() < deadline)
      await Bun.sleep(20);
    return this.opts.spool.count === 0;
  }

  /** Stops taking batches, waits (bounded) for outstanding PubAcks, then drains the connection. */
  stop(): Promise<void> {
    // Every caller (the abort signal, the agent's own stop) waits for the same shutdown.
    this.shutdownDone ??= this.shutdown();
    return this.shutdownDone;
  }

  private async shutdown(): Promise<void> {
    this.stopped.abort();
    this.unsubscribe?.();
    this.notify();
    await within(this.opts.stopTimeoutMs ?? 5_000, Promise.allSettled(this.inFlight.values()));
    // Closing settles what is still in flight, so the delivery loop ends promptly.
    await this.link.close();
    await within(1_000, this.delivering ?? Promise.resolve());
  }

  private connectionChanged(up: boolean): void {
    if (up) {
      // A new connection deserves a prompt retry, and the stream may have to be made again.
      this.streamChecked = false;
      this.failures = 0;
      this.retry?.abort();
    }
    this.notify();
  }

  private async deliver(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      if (this.failed) {
        await this.recover();
        continue;
      }
      const max = this.opts.nats.max_in_flight;
      const js = this.link.jetstream;
      const next =
        this.link.connected && js && this.inFlight.size < max ? this.nextEntry() : undefined;
      if (!js || !next) {
        await this.sleep();
        continue;
      }
      if (!this.streamChecked) await this.checkStream();
      await this.issue(js, next);
    }
  }

  private nextEntry(): SpoolEntry | undefined {
    for (const e of this.opts.spool.entries()) if (e.seq > this.lastIssuedSeq) return e;
    return undefined;
  }

  private async issue(js: JetStreamClient, entry: SpoolEntry): Promise<void> {
    let payload: Uint8Array | null;
    try {
      // Read before publishing, one at a time, so the wire order is the spool order.
      payload = await this.opts.spool.read(entry);
    } catch (err) {
      this.fail(entry, err);
      return;
    }
    this.lastIssuedSeq = entry.seq;
    if (!payload) return;
    const p = this.publish(js, entry, payload).finally(() => {
      this.inFlight.delete(entry.msgId);
      this.notify();
    });
    this.inFlight.set(entry.msgId, p);
  }

  private async publish(
    js: JetStreamClient,
    entry: SpoolEntry,
    payload: Uint8Array,
  ): Promise<void> {
    const started = performance.now();
    try {
      const h = headers();
      for (const [k, v] of Object.entries(entry.headers)) {
        if (!k.startsWith(LOCAL_HEADER_PREFIX)) h.set(k, v);
      }
      const ack = await js.publish(entry.subject, payload, {
        msgID: entry.msgId,
        headers: h,
        timeout: this.opts.nats.publish_timeout,
      });
      this.m.duration.observe((performance.now() - started) / 1000);
      this.m.batches.inc();
      this.m.bytes.inc(payload.length);
      if (ack.duplicate) this.m.duplicates.inc();
      this.failures = 0;
      this.deniedLogged = false;
      await this.opts.spool.remove(entry.msgId);
    } catch (err) {
      this.fail(entry, err);
      if (undeliverable(err)) await this.reject(entry, err);
    }
  }

  private fail(entry: SpoolEntry, err: unknown): void {
    this.m.errors.inc();
    if (undeliverable(err)) return;
    if (code(err) === ErrorCode.PermissionsViolation) {
      this.denied(entry, err);
      this.failed = true;
      return;
    }
    // No responders: JetStream (or the stream) is not there; make sure of it before retrying.
    if (code(err) === ErrorCode.NoResponders) this.streamChecked = false;
    if (!this.failed && this.failures === 0 && !this.stopped.signal.aborted) {
      log.warn("Cannot publish batch: retrying", { msg_id: entry.msgId, error: String(err) });
    }
    this.failed = true;
  }

  // The batch stays spooled: enrolling the agent for this subject lets it through later.
  private denied(entry: SpoolEntry, err: unknown): void {
    this.m.denied.inc();
    if (this.deniedLogged) return;
    this.deniedLogged = true;
    log.error(
      "Cannot publish batch: NATS denies this subject to the agent's credentials (they are enrolled for another tenant or agent id); keeping it spooled",
      { msg_id: entry.msgId, subject: entry.subject, error: String(err) },
    );
  }

  // A batch the client or server refuses as such can never be delivered: keeping it would block
  // the rest of the spool behind it.
  private async reject(entry: SpoolEntry, err: unknown): Promise<void> {
    this.m.rejected.inc();
    log.error("Cannot publish batch: NATS refuses it; dropping it", {
      msg_id: entry.msgId,
      error: String(err),
    });
    await this.opts.spool.remove(entry.msgId);
  }

  private async recover(): Promise<void> {
    await Promise.allSettled(this.inFlight.values());
    this.failures++;
    await this.backoff(this.failures);
    // Start again from the oldest batch still pending: order holds beyond the in-flight window.
    this.failed = false;
    this.lastIssuedSeq = -1;
  }

  private async checkStream(): Promise<void> {
    const nc = this.link.connection;
    const n = this.opts.nats;
    this.streamChecked = true;
    // An enrolled agent (an nkey) may only publish its own subjects: asking would be refused
    // and logged as a violation by nats-server. The aggregator makes the stream.
    if (!nc || n.nkey_file !== undefined) return;
    try {
      await ensureStream(await nc.jetstreamManager(), {
        name: n.stream,
        subjects: [`${n.subject_prefix}.>`],
        maxAgeMs: n.stream_max_age,
        maxBytes: n.stream_max_bytes,
        duplicateWindowMs: n.duplicate_window,
      });
    } catch (err) {
      if (code(err) === ErrorCode.PermissionsViolation) {
        // An enrolled agent may only publish (docs/auth.md): the aggregator made the stream.
        log.info("Not allowed to manage streams: leaving the stream to the aggregator", {
          stream: n.stream,
        });
        return;
      }
      // Publishing may still work (an agent without stream rights); a failure there says more.
      log.warn("Cannot check the stream: publishing anyway", {
        stream: n.stream,
        error: String(err),
      });
    }
  }

  private async backoff(attempt: number): Promise<void> {
    const { min, max } = this.opts.backoffMs ?? { min: 100, max: 5_000 };
    this.retry = new AbortController();
    const signal = AbortSignal.any([this.retry.signal, this.stopped.signal]);
    await delay(Math.min(max, min * 2 ** Math.min(attempt - 1, 30)), signal);
  }

  /** Waits for the next `notify()` (an append, an ack, a connection change, stop). */
  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    if (wake) wake();
    else this.woken = true;
  }
}

function code(err: unknown): string | undefined {
  return err instanceof NatsError ? err.code : undefined;
}

const UNDELIVERABLE = new Set<string>([
  ErrorCode.MaxPayloadExceeded,
  ErrorCode.BadHeader,
  ErrorCode.BadSubject,
]);

/** Whether retrying this batch can never succeed. */
function undeliverable(err: unknown): boolean {
  return UNDELIVERABLE.has(code(err) ?? "");
}

// Every series exists from the start (at 0), so rates and alerts work before the first event.
function publisherMetrics(r: Registry) {
  const m = {
    batches: r.counter(
      "outpost_agent_nats_published_batches_total",
      "Batches acknowledged by JetStream (duplicates included).",
    ),
    bytes: r.counter(
      "outpost_agent_nats_published_bytes_total",
      "Payload bytes of acknowledged batches.",
    ),
    errors: r.counter(
      "outpost_agent_nats_publish_errors_total",
      "Publishes that failed (timeout, no responders, disconnect); the batch is retried.",
    ),
    duplicates: r.counter(
      "outpost_agent_nats_duplicate_batches_total",
      "Batches JetStream acknowledged as duplicates of a stored one.",
    ),
    rejected: r.counter(
      "outpost_agent_nats_rejected_batches_total",
      "Batches dropped because NATS refuses them (size, bad subject or header).",
    ),
    denied: r.counter(
      "outpost_agent_nats_permission_denied_total",
      "Publishes NATS refused because the credentials do not allow the subject; the batch stays spooled.",
    ),
    duration: r.histogram(
      "outpost_agent_nats_publish_duration_seconds",
      "Time from publish to PubAck.",
    ),
    connected: r.gauge("outpost_agent_nats_connected", "1 while connected to NATS, else 0."),
  };
  for (const c of [m.batches, m.bytes, m.errors, m.duplicates, m.rejected, m.denied]) c.inc(0);
  return m;
}
