/**
 * Login attempts, limited per key (a user name, a client address) by token buckets: each key
 * may try `burst` times at once, then once every `60 / perMinute` seconds. Kept in memory, so
 * each aggregator limits on its own.
 */

/** Settings of {@link RateLimiter}. */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

/** Token buckets by key. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one attempt for every key; false (taking none) when any key has none left. */
  take(keys: readonly string[]): boolean {
    const now = this.now();
    const buckets = keys.map((k) => this.refill(k, now));
    if (buckets.some((b) => b.tokens < 1)) return false;
    for (const b of buckets) b.tokens -= 1;
    return true;
  }

  private refill(key: string, now: number): { tokens: number; at: number } {
    const { burst, perMinute } = this.limit;
    let b = this.buckets.get(key);
    if (b === undefined) {
      // Keys that are full again carry nothing: forget them so the map stays small.
      if (this.buckets.size > 10_000) this.sweep(now);
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perMinute) / 60_000);
    b.at = now;
    return b;
  }

  private sweep(now: number): void {
    const { burst, perMinute } = this.limit;
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.at) * perMinute) / 60_000 >= burst) this.buckets.delete(k);
  }
}
