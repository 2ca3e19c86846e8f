/**
 * Range functions as differences of prefix sums over a samples array, exact where they are
 * used: counts (changes, resets) are small integers; sums (sum/avg_over_time) only when every
 * value the windows reach is a whole number and their magnitudes add up to at most 2^53. Then
 * every partial sum is exact in any order, the reference's Kahan–Neumaier compensation stays
 * +0 and its sum is the exact one, which the difference of two exact prefix sums also is: the
 * same bits. Other values (fractions, NaN, infinities, huge ones) run the reference kernel
 * per window. Their step loops repeat edges()' (slide_kernel.ts) rather than share it through
 * a callback: one callback site for every kernel stays uninlined, a call per step.
 */
import type { RangeFunction } from "../../functions/range.ts";
import { perWindow, type SlidingKernel } from "./slide_kernel.ts";

/** Prefix scratch, grown as needed and reused across series. */
let prefix = new Float64Array(1024);

function prefixFor(n: number): Float64Array {
  if (prefix.length < n) prefix = new Float64Array(n * 2);
  return prefix;
}

/** Largest total magnitude whose every partial sum of whole numbers is exact. */
const EXACT = 2 ** 53;

/**
 * prefix[k] = the sum of vs[first, first + k) for k up to end - first, when exact (see
 * above); null otherwise.
 */
function exactPrefix(vs: Float64Array, first: number, end: number): Float64Array | null {
  const p = prefixFor(end - first + 1);
  let sum = 0;
  let magnitude = 0;
  p[0] = 0;
  for (let i = first; i < end; i++) {
    const v = vs[i];
    // NaN fails the first test, an infinity the second.
    if (v !== Math.trunc(v)) return null;
    magnitude += Math.abs(v);
    if (magnitude > EXACT) return null;
    sum += v;
    p[i - first + 1] = sum;
  }
  return p;
}

/**
 * sum_over_time (avg_over_time with `avg`) from exact prefix sums, or `reference` per window.
 * The reference avg divides the sum and its compensation by the count and adds them: adding
 * +0 changes nothing, as an exact sum is -0 never (the reference's may be: -0 + -0; +0 then).
 */
export function sumKernel(avg: boolean, reference: RangeFunction): SlidingKernel {
  const fallback = perWindow(reference);
  return (call, ts, vs, plan, values, present) => {
    const first = plan.first;
    const p = exactPrefix(vs, first, plan.end);
    if (p === null) return fallback(call, ts, vs, plan, values, present);
    const { lo: los, hi: his } = plan;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      if (hi <= lo) {
        present[i] = 0;
        continue;
      }
      const sum = p[hi - first] - p[lo - first];
      values[i] = avg ? sum / (hi - lo) : sum;
      present[i] = 1;
      count++;
    }
    return count;
  };
}

/**
 * A kernel counting the samples of a window that `counts` against the sample before (both in
 * the window): prefix[k] counts those among vs[first + 1, first + k].
 */
function pairCount(counts: (prev: number, curr: number) => boolean): SlidingKernel {
  return (_call, _ts, vs, plan, values, present) => {
    const first = plan.first;
    const p = prefixFor(plan.end - first + 1);
    p[0] = 0;
    let n = 0;
    for (let i = first + 1; i < plan.end; i++) {
      if (counts(vs[i - 1], vs[i])) n++;
      p[i - first] = n;
    }
    const { lo: los, hi: his } = plan;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      if (hi <= lo) {
        present[i] = 0;
        continue;
      }
      values[i] = p[hi - 1 - first] - p[lo - first];
      present[i] = 1;
      count++;
    }
    return count;
  };
}

/** changes: a value unlike the one before; NaN after NaN is no change. */
export const changesKernel = pairCount(
  (prev, curr) => curr !== prev && !(Number.isNaN(curr) && Number.isNaN(prev)),
);

/** resets: a value below the one before. */
export const resetsKernel = pairCount((prev, curr) => curr < prev);
