/**
 * quantile_over_time over a sorted window kept as it slides: the samples leaving are taken out
 * of a sorted array and those entering put in (a binary search and a move each), and the two
 * ranks the quantile interpolates between are read off it. The reference selects the same two
 * values (the k-th smallest number and the least after it, NaNs counted as ranked first), and
 * equal numbers have equal bits but for 0 and -0: the array keeps every zero as +0, and a window
 * holding a -0 whose answer reads a zero runs the reference selection instead. mad_over_time
 * reads its median off the same window and walks out from it on both sides, the deviations
 * then coming in ascending order.
 */
import { medianAbsoluteDeviation, quantileOf } from "../../functions/quantile.ts";
import type { SlidingKernel } from "./slide_kernel.ts";

/** The window's numbers, ascending, zeros as +0; grown as needed, reused across series. */
let sorted = new Float64Array(1024);
/** How many numbers `sorted` holds, and the window's NaNs and -0s besides. */
let m = 0;
let nans = 0;
let negativeZeros = 0;
/** The samples [slo, shi) that the sorted window holds. */
let slo = 0;
let shi = 0;

/** The first index of `sorted[0, m)` whose value is not below `v` (after the last, when `upper`). */
function search(v: number, upper: boolean): number {
  let a = 0;
  let b = m;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const s = sorted[mid];
    if (s < v || (upper && s === v)) a = mid + 1;
    else b = mid;
  }
  return a;
}

function insert(v: number): void {
  if (Number.isNaN(v)) {
    nans++;
    return;
  }
  if (v === 0 && 1 / v < 0) negativeZeros++;
  const at = search(v, true);
  if (m === sorted.length) {
    const grown = new Float64Array(m * 2);
    grown.set(sorted);
    sorted = grown;
  }
  // A loop: windows are short, and a native copyWithin call costs more than the move.
  for (let k = m; k > at; k--) sorted[k] = sorted[k - 1];
  // +0 for either zero: which zero a removal takes must not matter.
  sorted[at] = v + 0;
  m++;
}

function remove(v: number): void {
  if (Number.isNaN(v)) {
    nans--;
    return;
  }
  if (v === 0 && 1 / v < 0) negativeZeros--;
  const at = search(v, false);
  m--;
  for (let k = at; k < m; k++) sorted[k] = sorted[k + 1];
}

/** Makes the sorted window hold [lo, hi): slid from the one before, or built afresh. */
function windowFor(vs: Float64Array, lo: number, hi: number, have: boolean): void {
  const overlapping = have && lo >= slo && hi >= shi && lo <= shi;
  if (overlapping && lo - slo + hi - shi <= hi - lo) {
    for (let i = slo; i < lo; i++) remove(vs[i]);
    for (let i = shi; i < hi; i++) insert(vs[i]);
  } else {
    if (sorted.length < hi - lo) sorted = new Float64Array((hi - lo) * 2);
    m = 0;
    nans = 0;
    negativeZeros = 0;
    for (let i = lo; i < hi; i++) {
      const v = vs[i];
      if (Number.isNaN(v)) nans++;
      else {
        if (v === 0 && 1 / v < 0) negativeZeros++;
        sorted[m++] = v + 0;
      }
    }
    sorted.subarray(0, m).sort();
  }
  slo = lo;
  shi = hi;
}

/**
 * The φ-quantile of the sorted window as the reference computes it (quantile.ts
 * quantileOfScratch), or null when a -0 in the window makes the sign of a zero answer uncertain.
 */
function quantile(q: number): number | null {
  const n = m + nans;
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  let lower = Number.NaN;
  let upper = Number.NaN;
  if (lowerIndex >= nans) {
    const k = lowerIndex - nans;
    lower = sorted[k];
    upper = upperIndex === lowerIndex ? lower : sorted[k + 1];
  } else if (upperIndex >= nans) {
    upper = sorted[0];
  }
  if (negativeZeros > 0 && (lower === 0 || upper === 0)) return null;
  return lower * (1 - weight) + upper * weight;
}

/**
 * The median absolute deviation of the sorted window as the reference computes it (quantile.ts
 * medianAbsoluteDeviation), or null when the median is not finite (its deviations from an
 * infinity would be NaN). Zeros' signs do not matter here: every deviation is an |x|.
 */
function mad(): number | null {
  if (nans > 0) return Number.NaN;
  const rank = 0.5 * (m - 1);
  const lowerIndex = Math.floor(rank);
  const upperIndex = Math.min(m - 1, lowerIndex + 1);
  const weight = rank - lowerIndex;
  const median = sorted[lowerIndex] * (1 - weight) + sorted[upperIndex] * weight;
  if (!Number.isFinite(median)) return null;
  // Below the median |v - median| = median - v, growing leftwards; above it, rightwards.
  let left = search(median, false) - 1;
  let right = left + 1;
  let lower = 0;
  let upper = 0;
  for (let r = 0; r <= upperIndex; r++) {
    const below = left >= 0 ? median - sorted[left] : 0;
    const above = right < m ? sorted[right] - median : 0;
    let d: number;
    if (right >= m || (left >= 0 && below <= above)) {
      d = below;
      left--;
    } else {
      d = above;
      right++;
    }
    if (r === lowerIndex) lower = d;
    upper = d;
  }
  return lower * (1 - weight) + upper * weight;
}

/** mad_over_time(…) over every window of the plan. */
export const madKernel: SlidingKernel = (_call, _ts, vs, plan, values, present) => {
  const { lo: los, hi: his } = plan;
  let have = false;
  let count = 0;
  for (let i = plan.from; i < plan.to; i++) {
    const lo = los[i];
    const hi = his[i];
    if (hi <= lo) {
      present[i] = 0;
      continue;
    }
    windowFor(vs, lo, hi, have);
    have = true;
    values[i] = mad() ?? medianAbsoluteDeviation(vs, lo, hi);
    present[i] = 1;
    count++;
  }
  return count;
};

/** quantile_over_time(φ, …) over every window of the plan. */
export const quantileKernel: SlidingKernel = (call, _ts, vs, plan, values, present) => {
  const { lo: los, hi: his } = plan;
  const phi = call.params[0];
  let have = false;
  let count = 0;
  for (let i = plan.from; i < plan.to; i++) {
    const lo = los[i];
    const hi = his[i];
    if (hi <= lo) {
      present[i] = 0;
      continue;
    }
    windowFor(vs, lo, hi, have);
    have = true;
    values[i] = quantile(phi[i]) ?? quantileOf(phi[i], vs, lo, hi);
    present[i] = 1;
    count++;
  }
  return count;
};
