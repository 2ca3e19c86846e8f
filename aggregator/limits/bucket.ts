/**
 * A token bucket, as Mimir's and Loki's ingestion rate limiters: `rate` tokens a second up to
 * `burst`; a batch takes as many tokens as it carries samples (or bytes), all or none.
 */

/** One tenant's allowance of one kind (samples or log bytes). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Takes `n` tokens and returns 0, or takes none and returns the ms until `n` would be there
   * (Infinity when `n` is more than the burst: it never will).
   */
  take(n: number, now: number): number {
    if (this.rate === Number.POSITIVE_INFINITY) return 0;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (n <= this.tokens) {
      this.tokens -= n;
      return 0;
    }
    if (n > this.burst) return Number.POSITIVE_INFINITY;
    return ((n - this.tokens) / this.rate) * 1000;
  }
}
