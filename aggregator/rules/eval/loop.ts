/**
 * The schedule of one group: wait for the group's next tick, take or renew its lease, and
 * evaluate at the tick minus `query_offset`. A late evaluation skips the ticks it overran and
 * counts them as missed. Without the lease, the group's state is dropped; when the lease comes
 * (back), the first evaluation restores the `for` state, as after a restart.
 */
import { sleepUntil } from "../../../shared/runtime/schedule.ts";
import type { GroupLease } from "./deps.ts";
import type { GroupEvaluator } from "./group.ts";
import type { RuleMetrics } from "./metrics.ts";
import { groupOffset, nextTick, tickAtOrBefore } from "./schedule.ts";

/** Runs one group until stopped. */
export class GroupLoop {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private holding = false;
  private lease: GroupLease | null | undefined;

  constructor(
    readonly evaluator: GroupEvaluator,
    private readonly metrics: RuleMetrics,
    private readonly leaseFor?: (key: string, ttlMs: number) => GroupLease | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the schedule (the first evaluation is at the group's next tick). */
  start(): void {
    const e = this.evaluator;
    this.metrics.interval.labels({ rule_group: e.id }).set(e.interval / 1000);
    this.running ??= this.run();
  }

  /** Takes over the lease and holding state of the group's loop before a reload. */
  adopt(old: GroupLoop): void {
    this.holding = old.holding;
    this.lease = old.lease;
  }

  /** Stops the schedule and waits for an evaluation under way. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const e = this.evaluator;
    const offset = groupOffset(BigInt(`0x${e.hash}`), e.interval);
    let tick = tickAtOrBefore(this.now(), e.interval, offset) + e.interval;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      // In steps where the interval is longer than a timer keeps (`interval: 100y`), so the
      // group does not spin at ever later times, an hour partition of files each.
      await sleepUntil(Date.now() + tick - this.now(), signal);
      if (signal.aborted) return;
      this.metrics.iterations.labels({ rule_group: e.id }).inc();
      // After the lease: the evaluation starts then, and lag + duration is when it ended.
      const held = await this.hold();
      this.metrics.lag.labels({ rule_group: e.id }).set(Math.max(0, this.now() - tick) / 1000);
      if (held) await e.evaluate(tick - e.queryOffset, signal);
      const { next, missed } = nextTick(tick, this.now(), e.interval);
      if (missed > 0) this.metrics.missed.labels({ rule_group: e.id }).inc(missed);
      tick = next;
    }
  }

  /** Takes or renews the group's lease (TTL two intervals); true when this aggregator evaluates. */
  private async hold(): Promise<boolean> {
    const e = this.evaluator;
    if (!this.leaseFor) return true;
    this.lease ??= this.leaseFor(`rules.${e.hash}`, 2 * e.interval);
    const held = (await this.lease?.acquire(this.now())) ?? false;
    if (held !== this.holding) {
      // Lost: another aggregator writes the series now. Won: restore as after a restart.
      for (const r of e.rules) r.reset();
      e.shouldRestore = true;
    }
    this.holding = held;
    this.metrics.held.labels({ rule_group: e.id }).set(held ? 1 : 0);
    return held;
  }
}
