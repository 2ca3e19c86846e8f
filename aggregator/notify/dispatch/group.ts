/**
 * An aggregation group: the alerts one route gathers under one set of group labels, flushed
 * on Alertmanager's schedule: first after `group_wait` (at once when an alert arrives that
 * started longer than `group_wait` ago and the group has not flushed yet), then every
 * `group_interval`. A flush hands a snapshot to the pipeline; once it is delivered, resolved
 * alerts that were not updated meanwhile leave the group.
 */
import { isResolved, type StoredAlert } from "../alerts.ts";
import type { LabelSet, Route } from "../route/route.ts";
import type { Clock, Timer } from "./clock.ts";
import { compareAlerts } from "./sort.ts";

/** Delivers a group's snapshot; resolves true when it went through (or needed nothing). */
export type FlushFn = (
  group: AggregationGroup,
  alerts: StoredAlert[],
  now: number,
) => Promise<boolean>;

/** One aggregation group. */
export class AggregationGroup {
  private readonly alerts = new Map<string, StoredAlert>();
  private timer: Timer | null = null;
  private hasFlushed = false;
  private flushing: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Rebuilt after a takeover and waiting for `resume()`: no timer until then. */
  private restoring = false;

  constructor(
    readonly route: Route,
    readonly labels: LabelSet,
    /** Alertmanager's group key, `{}/{…}:{…}`. */
    readonly key: string,
    private readonly clock: Clock,
    private readonly flush: FlushFn,
  ) {}

  /** Starts the `group_wait` timer. */
  start(): void {
    this.schedule(this.route.opts.groupWait);
  }

  /** Holds the group without a timer until `resume()` (a group rebuilt after a takeover). */
  startRestoring(): void {
    this.restoring = true;
  }

  /**
   * Starts a rebuilt group's timer: its next flush at `at` (Unix ms; at once when past), as
   * a group that has flushed already (`flushed`) or one still in its `group_wait`.
   */
  resume(flushed: boolean, at: number): void {
    this.restoring = false;
    this.hasFlushed = flushed;
    this.schedule(at - this.clock.now());
  }

  /** Adds or replaces an alert. */
  insert(alert: StoredAlert): void {
    this.alerts.set(alert.fingerprint, alert);
    const wait = this.route.opts.groupWait;
    if (this.restoring) return;
    if (!this.hasFlushed && alert.startsAt + wait < this.clock.now()) this.schedule(0);
  }

  /** Whether the group holds no alert. */
  get empty(): boolean {
    return this.alerts.size === 0;
  }

  /** The alerts the group holds. */
  list(): StoredAlert[] {
    return [...this.alerts.values()];
  }

  /** Stops the timers; a flush under way finishes. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** Resolves when the flush under way (if any) is done. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.clock.after(ms, () => this.tick());
  }

  private tick(): void {
    this.schedule(this.route.opts.groupInterval);
    this.hasFlushed = true;
    // A flush still running when the next tick comes is followed by one more, as
    // Alertmanager's group loop picks up the timer that fired meanwhile.
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = this.run().finally(() => {
      this.flushing = null;
    });
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      await this.flushOnce();
    } while (this.again && !this.stopped);
  }

  private async flushOnce(): Promise<void> {
    if (this.alerts.size === 0) return;
    const now = this.clock.now();
    // An alert not resolved yet is sent without its end, so it does not resolve by itself
    // at the receiver as time passes.
    const snapshot = this.list()
      .map((a) => (isResolved(a, now) ? a : { ...a, endsAt: 0 }))
      .sort(compareAlerts);
    if (!(await this.flush(this, snapshot, now))) return;
    for (const a of snapshot) {
      const current = this.alerts.get(a.fingerprint);
      if (current !== undefined && isResolved(a, now) && current.updatedAt === a.updatedAt) {
        this.alerts.delete(a.fingerprint);
      }
    }
  }
}
