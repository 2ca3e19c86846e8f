/**
 * A fused fast path for `rate`, `increase` and `delta` over stored series, the hottest
 * queries there are (`sum(rate(x[5m]))` over a day reads every sample about five times).
 * The kernel in functions/range_rate.ts scans each window for counter resets; here the
 * windows slide over the series while counting the resets they hold, so the scan runs only
 * for the rare windows that contain one. The arithmetic is the kernel's, operation for
 * operation, so both give identical results (fast_rate.test.ts checks that).
 */
import { rangeSeconds } from "../functions/range_rate.ts";

/** Which of the three extrapolating functions to compute. */
export interface RateKind {
  readonly counter: boolean;
  readonly perSecond: boolean;
}

/** The kinds by function name. */
export const RATE_KINDS: Readonly<Record<string, RateKind>> = {
  rate: { counter: true, perSecond: true },
  increase: { counter: true, perSecond: false },
  delta: { counter: false, perSecond: false },
};

/** Indices `i` where `vs[i] < vs[i - 1]` (scratch, reused across series). */
const drops: number[] = [];

/**
 * Finds the counter drops of a series in one pass over its values; false when `isStale`
 * flags one of its NaNs as a staleness marker.
 */
function findDrops(vs: Float64Array, isStale: ((i: number) => boolean) | null): boolean {
  drops.length = 0;
  let prev = vs[0];
  if (isStale !== null && Number.isNaN(prev) && isStale(0)) return false;
  for (let i = 1; i < vs.length; i++) {
    const v = vs[i];
    if (v < prev) drops.push(i);
    else if (isStale !== null && Number.isNaN(v) && isStale(i)) return false;
    prev = v;
  }
  return true;
}

/**
 * Computes the function for every window `(ends[i] - range, ends[i]]` of one series (ends
 * ascending). Returns how many steps produced a value, or -1 when `isStale` flags a sample
 * (the caller then retries with the markers removed). Adds the samples the windows held to
 * `stats.touched`.
 */
export function slidingRate(
  kind: RateKind,
  stats: { touched: number },
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  range: number,
  values: Float64Array,
  present: Uint8Array,
  isStale: ((i: number) => boolean) | null,
): number {
  if (ts.length === 0) return 0;
  if (!findDrops(vs, isStale)) return -1;
  const len = ts.length;
  const counter = kind.counter;
  const shape = new WindowShape(kind.perSecond ? rangeSeconds(range) : 1);
  const nd = counter ? drops.length : 0;
  let lo = 0;
  let hi = 0;
  // Window bounds usually move by the same stride as at the step before: check that first.
  let strideLo = 0;
  let strideHi = 0;
  // drops[d0, d1) lie inside the current window.
  let d0 = 0;
  let d1 = 0;
  let count = 0;
  let touched = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const start = end - range;
    let h = hi + strideHi;
    if (!(strideHi > 0 && h <= len && ts[h - 1] <= end && (h === len || ts[h] > end))) {
      h = hi;
      while (h < len && ts[h] <= end) h++;
    }
    strideHi = h - hi;
    hi = h;
    let l = lo + strideLo;
    if (!(strideLo > 0 && l <= hi && ts[l - 1] <= start && (l === hi || ts[l] > start))) {
      l = lo;
      while (l < hi && ts[l] <= start) l++;
    }
    strideLo = l - lo;
    lo = l;
    present[i] = 0;
    touched += hi - lo;
    const last = hi - 1;
    if (last - lo < 1) continue;
    let result = vs[last] - vs[lo];
    if (nd > 0) {
      while (d0 < nd && drops[d0] <= lo) d0++;
      while (d1 < nd && drops[d1] <= last) d1++;
      // Same order of additions as the kernel's scan.
      for (let d = d0; d < d1; d++) result += vs[drops[d] - 1];
    }
    shape.fit(ts[lo] - start, end - ts[last], ts[last] - ts[lo], last - lo);
    const firstV = vs[lo];
    const clamp = counter && result > 0 && firstV >= 0 && !shape.noZeroClamp(firstV, result);
    values[i] = result * (clamp ? shape.clampedFactor(firstV, result) : shape.factor);
    present[i] = 1;
    count++;
  }
  stats.touched += touched;
  return count;
}

/**
 * The extrapolation of the kernel for one window shape: the distances (ms) from the window
 * edges to its first and last samples, the sampled span and the number of intervals. With
 * regular scrapes and steps the shape repeats from window to window, so its divisions are
 * done once per shape rather than once per window.
 */
class WindowShape {
  private toStartMs = Number.NaN;
  private toEndMs = Number.NaN;
  private spanMs = Number.NaN;
  private intervals = -1;
  /** Seconds from the window start to where extrapolation begins, before the zero clamp. */
  private durationToStart = 0;
  private durationToEnd = 0;
  private sampled = 0;
  /** The factor (per second for rate) when the counter's zero point does not move the start. */
  factor = 1;

  /** `divisor` is the range in seconds for rate, 1 otherwise. */
  constructor(private readonly divisor: number) {}

  /** Makes this the shape of the current window. */
  fit(toStartMs: number, toEndMs: number, spanMs: number, intervals: number): void {
    if (
      toStartMs === this.toStartMs &&
      toEndMs === this.toEndMs &&
      spanMs === this.spanMs &&
      intervals === this.intervals
    ) {
      return;
    }
    this.toStartMs = toStartMs;
    this.toEndMs = toEndMs;
    this.spanMs = spanMs;
    this.intervals = intervals;
    let durationToStart = toStartMs / 1000;
    let durationToEnd = toEndMs / 1000;
    const sampled = spanMs / 1000;
    const average = sampled / intervals;
    const threshold = average * 1.1;
    if (durationToStart >= threshold) durationToStart = average / 2;
    if (durationToEnd >= threshold) durationToEnd = average / 2;
    this.durationToStart = durationToStart;
    this.durationToEnd = durationToEnd;
    this.sampled = sampled;
    this.factor = this.factorFrom(durationToStart);
  }

  /**
   * True when the zero clamp cannot apply: the first value is at least the increase, so the
   * zero point lies a whole sampled span back, no nearer than the extrapolated start.
   */
  noZeroClamp(firstV: number, result: number): boolean {
    return firstV >= result && this.sampled >= this.durationToStart;
  }

  /** The factor with the kernel's zero clamp applied. */
  clampedFactor(firstV: number, result: number): number {
    const durationToZero = this.sampled * (firstV / result);
    if (durationToZero < this.durationToStart) return this.factorFrom(durationToZero);
    return this.factor;
  }

  private factorFrom(durationToStart: number): number {
    const sampled = this.sampled;
    const factor = sampled !== 0 ? (sampled + durationToStart + this.durationToEnd) / sampled : 1;
    // The kernel divides the factor, not the result, by the range: same rounding here.
    return this.divisor === 1 ? factor : factor / this.divisor;
  }
}
