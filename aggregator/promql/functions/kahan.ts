/**
 * Compensated (Kahan–Neumaier) summation as Prometheus 3 does it (util/kahansum): the kernels
 * that sum in Prometheus must round exactly as it does, because the conformance scripts test
 * cancellation cases such as `1 1e100 1 -1e100`.
 */

/**
 * A running compensated sum. Kernels keep module-level instances and `reset()` them per window,
 * so summing allocates nothing.
 */
export class KahanSum {
  /** The plain running sum. */
  sum = 0;
  /** The compensation: what rounding lost so far. */
  c = 0;

  /** Starts over from `sum` with compensation `c`. */
  reset(sum = 0, c = 0): void {
    this.sum = sum;
    this.c = c;
  }

  /** Adds `inc`; an infinite sum clears the compensation, as Prometheus does. */
  add(inc: number): void {
    const sum = this.sum;
    const t = sum + inc;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) {
      this.c = 0;
    } else if (Math.abs(sum) >= Math.abs(inc)) {
      // Neumaier: take the error from whichever operand is smaller.
      this.c += sum - t + inc;
    } else {
      this.c += inc - t + sum;
    }
    this.sum = t;
  }

  /** The compensated total (`sum + c`). */
  total(): number {
    return this.sum + this.c;
  }
}
