/**
 * A fused fast path for `rate`, `increase` and `delta` over stored series, the hottest
 * queries there are (`sum(rate(x[5m]))` over a day reads every sample about five times).
 * The kernel in functions/range_rate.ts scans each window for counter resets; here the
 * windows slide over the series while counting the resets they hold, so the scan runs only
 * for the rare windows that contain one; where each window lies comes from a WindowPlan,
 * shared by the series that share their timestamps. The arithmetic is the kernel's, operation
 * for operation, so both give identical results (fast_rate.test.ts checks that).
 */
import { isStaleAt, type NarrowValues } from "../../../../shared/model/sample.ts";
import type { WindowPlan } from "./window_plan.ts";

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
 * Finds the counter drops among samples [first, end) in one pass over their values; false
 * when `checkStale` and one of their NaNs is a staleness marker.
 */
function findDrops(vs: Float64Array, first: number, end: number, checkStale: boolean): boolean {
  drops.length = 0;
  let words: Uint32Array | null = null;
  let prev = vs[first];
  for (let i = first; i < end; i++) {
    const v = vs[i];
    if (v < prev) drops.push(i);
    else if (checkStale && Number.isNaN(v)) {
      words ??= new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
      if (isStaleAt(words, i)) return false;
    }
    prev = v;
  }
  return true;
}

/**
 * The value of step `i` from its window's first value and its increase: times the step's
 * factor, or, for a counter whose first value is below its increase, the kernel's zero clamp.
 */
function windowValue(
  plan: WindowPlan,
  i: number,
  counter: boolean,
  firstV: number,
  result: number,
): number {
  if (counter && result > 0 && firstV >= 0 && !(firstV >= result && plan.sure[i] === 1)) {
    return result * plan.shapes[plan.shapeOf[i]].clampedFactor(firstV, result);
  }
  return result * plan.factor[i];
}

/**
 * Computes the function for the windows of `plan` (steps [plan.from, plan.to)) over one
 * series' values. Returns how many steps produced a value, or -1 when `checkStale` and the
 * series holds a staleness marker (the caller then retries with the markers removed). Adds the
 * samples the windows held to `stats.touched`. `noDrops` says the values are known never to
 * drop (`neverDrops`): no scan for counter resets is then needed.
 */
export function slidingRate(
  kind: RateKind,
  stats: { touched: number },
  vs: Float64Array,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
  checkStale: boolean,
  noDrops = false,
): number {
  const counter = kind.counter;
  // Only the samples the windows reach matter: a marker elsewhere changes no result.
  if (checkStale || (counter && !noDrops)) {
    if (!findDrops(vs, plan.first, plan.end, checkStale)) return -1;
  } else drops.length = 0;
  const { lo: los, hi: his } = plan;
  const nd = counter ? drops.length : 0;
  // drops[d0, d1) lie inside the current window.
  let d0 = 0;
  let d1 = 0;
  for (let i = plan.from; i < plan.to; i++) {
    const lo = los[i];
    const last = his[i] - 1;
    if (last <= lo) {
      present[i] = 0;
      continue;
    }
    const firstV = vs[lo];
    let result = vs[last] - firstV;
    if (nd > 0) {
      while (d0 < nd && drops[d0] <= lo) d0++;
      while (d1 < nd && drops[d1] <= last) d1++;
      // Same order of additions as the kernel's scan.
      for (let d = d0; d < d1; d++) result += vs[drops[d] - 1];
    }
    values[i] = windowValue(plan, i, counter, firstV, result);
    present[i] = 1;
  }
  stats.touched += plan.touched;
  return plan.windows;
}

/**
 * slidingRate() over values held as 32-bit offsets from a base: each value is rebuilt exactly,
 * so the results are slidingRate()'s bit for bit, from half the bytes. A counter's resets come
 * from `drops` (`dropsOf`, none when absent) instead of a scan: the steps whose windows hold
 * none, nearly all, run the plain loop. Kept apart from slidingRate so that the engine
 * compiles each for one array type: one loop reading both runs slower.
 */
export function slidingRateNarrow(
  kind: RateKind,
  stats: { touched: number },
  narrow: NarrowValues,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
  drops?: Int32Array,
): number {
  const counter = kind.counter;
  const nd = counter && drops !== undefined ? drops.length : 0;
  if (nd === 0) narrowSteps(counter, narrow, plan, plan.from, plan.to, values, present);
  else {
    const { lo: los, hi: his } = plan;
    const to = plan.to;
    let i = plan.from;
    let d = 0;
    while (i < to) {
      while (d < nd && drops![d] <= los[i]) d++;
      if (d === nd) {
        narrowSteps(counter, narrow, plan, i, to, values, present);
        break;
      }
      // The steps before the first whose window reaches drop d hold none.
      const reach = firstEndingAfter(his, drops![d], i, to);
      narrowSteps(counter, narrow, plan, i, reach, values, present);
      if (reach === to) break;
      dropStep(counter, narrow, plan, reach, drops!, d, values, present);
      i = reach + 1;
    }
  }
  stats.touched += plan.touched;
  return plan.windows;
}

/** The plain loop of slidingRateNarrow over steps [from, to), whose windows hold no drop. */
function narrowSteps(
  counter: boolean,
  narrow: NarrowValues,
  plan: WindowPlan,
  from: number,
  to: number,
  values: Float64Array,
  present: Uint8Array,
): void {
  const { base, offsets } = narrow;
  const { lo: los, hi: his } = plan;
  // Nearly every window holds two samples: mark them all at once, and unmark the others.
  present.fill(1, from, to);
  for (let i = from; i < to; i++) {
    const lo = los[i];
    const last = his[i] - 1;
    if (last <= lo) {
      present[i] = 0;
      continue;
    }
    const firstV = base + offsets[lo];
    const result = base + offsets[last] - firstV;
    values[i] = windowValue(plan, i, counter, firstV, result);
  }
}

/** Step `i` of slidingRateNarrow, adding the value before each drop its window holds. */
function dropStep(
  counter: boolean,
  narrow: NarrowValues,
  plan: WindowPlan,
  i: number,
  drops: Int32Array,
  d: number,
  values: Float64Array,
  present: Uint8Array,
): void {
  const { base, offsets } = narrow;
  const lo = plan.lo[i];
  const last = plan.hi[i] - 1;
  if (last <= lo) {
    present[i] = 0;
    return;
  }
  const firstV = base + offsets[lo];
  let result = base + offsets[last] - firstV;
  // Same order of additions as the kernel's scan; drops before d lie at or before `lo`.
  for (let k = d; k < drops.length && drops[k] <= last; k++) {
    if (drops[k] > lo) result += base + offsets[drops[k] - 1];
  }
  values[i] = windowValue(plan, i, counter, firstV, result);
  present[i] = 1;
}

/** The first step in [from, to) whose window's last sample is at or after `at`, else `to`. */
function firstEndingAfter(his: Int32Array, at: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (his[mid] - 1 < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * slidingRateNarrow() over a seam between two slices without copying it: the windows of
 * `plan` index the samples of `prev` from `from` on (`cut` of them), then those of `next`.
 * Both must hold no drop, nor the step from one to the other (or the kind be `delta`).
 */
export function seamRateNarrow(
  kind: RateKind,
  stats: { touched: number },
  prev: NarrowValues,
  from: number,
  cut: number,
  next: NarrowValues,
  plan: WindowPlan,
  values: Float64Array,
  present: Uint8Array,
): number {
  const counter = kind.counter;
  const { lo: los, hi: his } = plan;
  for (let i = plan.from; i < plan.to; i++) {
    const lo = los[i];
    const last = his[i] - 1;
    if (last <= lo) {
      present[i] = 0;
      continue;
    }
    const firstV =
      lo < cut ? prev.base + prev.offsets[from + lo] : next.base + next.offsets[lo - cut];
    const lastV =
      last < cut ? prev.base + prev.offsets[from + last] : next.base + next.offsets[last - cut];
    const result = lastV - firstV;
    values[i] = windowValue(plan, i, counter, firstV, result);
    present[i] = 1;
  }
  stats.touched += plan.touched;
  return plan.windows;
}
