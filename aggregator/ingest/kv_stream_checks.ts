/**
 * The KV watches' stream checks (kv.ts), one timer for all the watches of a connection: a
 * process watching several buckets (alerts, notification log, silences, users, tokens, …)
 * wakes once a period for them all, their questions sent together, rather than once each at
 * its own moment. At rest such wake-ups are most of what a process does.
 */
import type { NatsConnection } from "nats";

/** One watch's check: asks whether its stream is still the one it follows, and acts on it. */
export type StreamCheck = () => Promise<void>;

/** The checks run together every `period` ms while any is registered. */
export class StreamChecks {
  private readonly checks = new Set<StreamCheck>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(readonly period: number) {}

  /** Runs `check` every period from now on; the returned function stops it. */
  add(check: StreamCheck): () => void {
    this.checks.add(check);
    if (this.timer === null) {
      this.timer = setInterval(() => void this.run(), this.period);
      this.timer.unref();
    }
    return () => {
      this.checks.delete(check);
      if (this.checks.size > 0 || this.timer === null) return;
      clearInterval(this.timer);
      this.timer = null;
    };
  }

  /** How many checks are registered (for tests). */
  get size(): number {
    return this.checks.size;
  }

  /** One round; a round still waiting for its answers when the next is due skips that one. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all([...this.checks].map((check) => check().catch(() => {})));
    } finally {
      this.running = false;
    }
  }
}

const byConnection = new WeakMap<NatsConnection, Map<number, StreamChecks>>();

/** The checks of `nc` that run every `period` ms, made on first use. */
export function streamChecksOf(nc: NatsConnection, period: number): StreamChecks {
  let periods = byConnection.get(nc);
  if (periods === undefined) {
    periods = new Map();
    byConnection.set(nc, periods);
  }
  let checks = periods.get(period);
  if (checks === undefined) {
    checks = new StreamChecks(period);
    periods.set(period, checks);
  }
  return checks;
}
