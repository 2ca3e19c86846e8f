/** Record timestamps: the wall clock, but never equal to or before the previous one. */
export class Clock {
  private last = 0n;
  private base = 0n;

  /** Reads the wall clock; called once per chunk rather than per line. */
  tick(): void {
    this.base = BigInt(Date.now()) * 1_000_000n;
  }

  /** The next timestamp in ns. */
  next(): bigint {
    this.last = this.base > this.last ? this.base : this.last + 1n;
    return this.last;
  }
}
