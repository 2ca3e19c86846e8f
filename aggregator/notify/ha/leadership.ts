/**
 * Which aggregator dispatches: the holder of the notifier's lease. Every aggregator tries to
 * take or renew it each `ttl / 4`; the holder steps down by itself when it has not renewed
 * for `3 ttl / 4`, before the lease can pass to another, so two never dispatch at once
 * unless their clocks disagree by more than a quarter of the TTL. A holder that stops cleanly
 * gives the lease up, so a restart hands it over within `ttl / 4`.
 */
import type { Clock, Timer } from "../dispatch/clock.ts";

/** The lease the notifier needs (`aggregator/ingest/lease.ts` is one). */
export interface NotifierLease {
  /** Takes or renews the lease at `now`; false while another live holder has it. */
  acquire(now?: number): Promise<boolean>;
  /** Gives a held lease up, so another takes it at its next try rather than after the TTL. */
  release?(): Promise<void>;
}

/** What the holder does when it gains and when it loses the lease. */
export interface LeadershipHooks {
  gain(): Promise<void>;
  lose(): Promise<void>;
}

/** The lease loop of one aggregator's notifier. */
export class Leadership {
  private held = false;
  private tickTimer: Timer | null = null;
  private deadline: Timer | null = null;
  private stopped = false;
  /** Gains and losses in the order they happened, one at a time. */
  private transitions: Promise<void> = Promise.resolve();
  /** Whether the last loss stopped the dispatcher without an error. */
  private lostCleanly = false;
  /** The try in progress, if any. */
  private trying: Promise<void> | null = null;

  constructor(
    private readonly lease: NotifierLease,
    private readonly clock: Clock,
    private readonly ttl: number,
    private readonly hooks: LeadershipHooks,
  ) {}

  /** Whether this aggregator holds the lease now. */
  get holding(): boolean {
    return this.held;
  }

  /** Tries at once, then every `ttl / 4`. */
  start(): void {
    this.trying = this.tick();
  }

  /**
   * Stops trying; a holder stops dispatching, then gives the lease up (after a crash instead
   * it lapses after its TTL).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.tickTimer?.cancel();
    this.deadline?.cancel();
    // A renewal still on its way would move the lease's revision under the release.
    await this.trying;
    const held = this.held;
    if (held) this.change(false);
    await this.transitions;
    // Only once the dispatcher stopped, so the next holder never overlaps it; one that failed
    // to stop keeps the lease until its TTL runs out.
    if (held && this.lostCleanly) await this.lease.release?.();
  }

  /** Resolves once the gains and losses begun so far are done (for tests). */
  settled(): Promise<void> {
    return this.transitions;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const at = this.clock.now();
    const ok = await this.lease.acquire(at).catch(() => false);
    if (this.stopped) return;
    if (ok) {
      // The lease runs until at + ttl: step down a quarter before, unless renewed meanwhile.
      this.deadline?.cancel();
      this.deadline = this.clock.after(at + (3 * this.ttl) / 4 - this.clock.now(), () =>
        this.change(false),
      );
    }
    this.change(ok);
    this.tickTimer = this.clock.after(this.ttl / 4, () => {
      this.trying = this.tick();
    });
  }

  private change(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (!held) this.deadline?.cancel();
    const hook = held ? this.hooks.gain : this.hooks.lose;
    this.transitions = this.transitions
      .then(() => hook.call(this.hooks))
      .then(
        () => {
          if (!held) this.lostCleanly = true;
        },
        () => {
          if (!held) this.lostCleanly = false;
        },
      );
  }
}
