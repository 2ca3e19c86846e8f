/**
 * When the dispatching aggregator shares the alerts it receives. It already holds them (its
 * own store feeds its dispatcher), so their copies in the bucket matter only to whoever takes
 * over, and to other aggregators' `GET /api/v2/alerts`. Written as each post arrived, a burst
 * of 10,000 new alerts put 10,000 KV writes, and their echoes through the watch, on the posts'
 * path: the burst took twice Alertmanager's time, and every group's first notification waited
 * for it (docs/benchmarks.md, "Sharing after the posts pause"). So the holder's received
 * alerts wait until posts pause for {@link SHARE_QUIET} ms, at most {@link SHARE_MAX_WAIT} ms
 * after the first of them, and are then written a post at a time, each alert as the store
 * holds it then. Any other aggregator writes at once: the bucket is how its alerts reach the
 * dispatcher.
 */
import type { StoredAlert } from "../alerts.ts";
import type { Clock, Timer } from "../dispatch/clock.ts";

/** The pause in posts after which the waiting alerts are shared, ms. */
export const SHARE_QUIET = 50;
/** The longest a received alert waits to be shared while posts keep coming, ms. */
export const SHARE_MAX_WAIT = 1_000;

/**
 * Posts' alerts waiting to be shared, and the timer that shares them. Each post's alerts are
 * kept as they came and written in order, as the posts would have written them. An alert in
 * two waiting posts is written once: the first write takes it as the store holds it then (the
 * later post's version), and the second finds that already shared. One entry an alert instead
 * cost a map insert each, 10,000 a round of re-posts, for what the writes sort out anyway.
 */
export class SharePacer {
  private waiting: (readonly StoredAlert[])[] = [];
  /** When the oldest waiting post was added (meaningful while some wait). */
  private since = 0;
  private timer: Timer | null = null;
  /** The flush under way, or the last one. */
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly write: (alerts: readonly StoredAlert[]) => Promise<void>,
  ) {}

  /** A post's alerts, to share once posts pause. */
  add(alerts: readonly StoredAlert[]): void {
    if (alerts.length === 0) return;
    const now = this.clock.now();
    if (this.waiting.length === 0) this.since = now;
    this.waiting.push(alerts);
    this.timer?.cancel();
    const at = Math.min(now + SHARE_QUIET, this.since + SHARE_MAX_WAIT);
    this.timer = this.clock.after(at - now, () => void this.flush());
  }

  /**
   * Shares every waiting alert now (a stop, a lost lease, a collection); resolves when they and
   * those of a flush still under way (it takes turns) are written, in the posts' order.
   */
  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    const posts = this.waiting;
    this.waiting = [];
    // Writes count their own failures: one that threw must not hold up the flushes after it.
    this.flushing = this.flushing.catch(() => {}).then(() => this.writeAll(posts));
    return this.flushing;
  }

  private async writeAll(posts: readonly (readonly StoredAlert[])[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const [i, alerts] of posts.entries()) {
      // A turn between posts: a whole round's writes at once are one burst of publishes and
      // echoes, which cost more than the same writes a post at a time.
      if (i > 0) await new Promise<void>((next) => this.clock.after(0, next));
      writes.push(this.write(alerts));
    }
    await Promise.all(writes);
  }

  /** Posts waiting. */
  get size(): number {
    return this.waiting.length;
  }
}
