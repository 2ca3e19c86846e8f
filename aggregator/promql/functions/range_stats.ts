/**
 * The `*_over_time` aggregation kernels over float samples, summing and averaging with
 * Prometheus 3's compensated arithmetic so that results match it bit for bit.
 */
import { KahanSum } from "./kahan.ts";
import type { Window } from "./range.ts";

const acc = new KahanSum();
const accAux = new KahanSum();

/** `sum_over_time`: compensated sum; an infinite sum is returned without its compensation. */
export function funcSumOverTime(w: Window): number | null {
  const { vs, lo, hi } = w;
  if (hi <= lo) return null;
  // KahanSum.add inlined: locals stay in registers, which doubles the speed of this hot loop.
  let sum = 0;
  let c = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i];
    const t = sum + v;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) c = 0;
    else if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  if (sum === Number.POSITIVE_INFINITY || sum === Number.NEGATIVE_INFINITY) return sum;
  return sum + c;
}

/**
 * `avg_over_time`: the compensated sum divided by the count while the sum stays finite; once
 * it would overflow, Prometheus switches to an incremental mean (which cannot overflow), and so
 * do we, at the same sample.
 */
export function funcAvgOverTime(w: Window): number | null {
  const { vs, lo, hi } = w;
  if (hi <= lo) return null;
  let sum = vs[lo];
  let c = 0;
  let i = lo + 1;
  for (; i < hi; i++) {
    // KahanSum.add inlined, as in sum_over_time.
    const v = vs[i];
    const t = sum + v;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) break;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  const direct = i - lo;
  if (i >= hi) return sum / direct + c / direct;
  return incrementalMean(vs, i, hi, sum / direct, c / direct, direct);
}

/**
 * Continues a mean of `count` samples (with compensation `c`) over vs[from, hi) by the
 * incremental formula mean = mean·(n-1)/n + v/n, compensated.
 */
function incrementalMean(
  vs: Float64Array,
  from: number,
  hi: number,
  mean: number,
  c: number,
  count: number,
): number {
  acc.reset(mean, c);
  for (let i = from; i < hi; i++) {
    count++;
    const q = (count - 1) / count;
    acc.reset(q * acc.sum, q * acc.c);
    acc.add(vs[i] / count);
  }
  return acc.sum + acc.c;
}

/** `count_over_time`: the number of samples. */
export function funcCountOverTime(w: Window): number | null {
  return w.hi > w.lo ? w.hi - w.lo : null;
}

/** `present_over_time`: 1 when the window has any sample. */
export function funcPresentOverTime(w: Window): number | null {
  return w.hi > w.lo ? 1 : null;
}

/** `last_over_time`: the newest sample's value. */
export function funcLastOverTime(w: Window): number | null {
  return w.hi > w.lo ? w.vs[w.hi - 1] : null;
}

/** `first_over_time`: the oldest sample's value. */
export function funcFirstOverTime(w: Window): number | null {
  return w.hi > w.lo ? w.vs[w.lo] : null;
}

/** `ts_of_first_over_time`: the oldest sample's timestamp in seconds. */
export function funcTsOfFirstOverTime(w: Window): number | null {
  return w.hi > w.lo ? w.ts[w.lo] / 1000 : null;
}

/** `ts_of_last_over_time`: the newest sample's timestamp in seconds. */
export function funcTsOfLastOverTime(w: Window): number | null {
  return w.hi > w.lo ? w.ts[w.hi - 1] / 1000 : null;
}

/** `max_over_time`: the largest value; a NaN is replaced by any later value. */
export function funcMaxOverTime(w: Window): number | null {
  const i = extremeIndex(w, true, false);
  return i < 0 ? null : w.vs[i];
}

/** `min_over_time`: the smallest value; a NaN is replaced by any later value. */
export function funcMinOverTime(w: Window): number | null {
  const i = extremeIndex(w, false, false);
  return i < 0 ? null : w.vs[i];
}

/** `ts_of_max_over_time`: timestamp in seconds of the (latest) largest value. */
export function funcTsOfMaxOverTime(w: Window): number | null {
  const i = extremeIndex(w, true, true);
  return i < 0 ? null : w.ts[i] / 1000;
}

/** `ts_of_min_over_time`: timestamp in seconds of the (latest) smallest value. */
export function funcTsOfMinOverTime(w: Window): number | null {
  const i = extremeIndex(w, false, true);
  return i < 0 ? null : w.ts[i] / 1000;
}

/**
 * Index of the extreme value as Prometheus's compareOverTime picks it: a candidate wins when it
 * is strictly beyond the current one (or equal, for the ts_of_ variants, so the latest wins),
 * or when the current one is NaN. -1 for an empty window.
 */
function extremeIndex(w: Window, max: boolean, latestOnTie: boolean): number {
  const { vs, lo, hi } = w;
  if (hi <= lo) return -1;
  let best = lo;
  let bestValue = vs[lo];
  for (let i = lo; i < hi; i++) {
    const v = vs[i];
    const beyond = max ? v > bestValue : v < bestValue;
    if (beyond || (latestOnTie && v === bestValue) || Number.isNaN(bestValue)) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Population variance with Prometheus's compensated Welford update, or null when empty. */
function variance(w: Window): number | null {
  const { vs, lo, hi } = w;
  if (hi <= lo) return null;
  acc.reset(); // the running mean
  accAux.reset(); // the running sum of squared deviations
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i];
    count++;
    const delta = v - (acc.sum + acc.c);
    acc.add(delta / count);
    accAux.add(delta * (v - (acc.sum + acc.c)));
  }
  return (accAux.sum + accAux.c) / count;
}

/** `stdvar_over_time`: population variance. */
export function funcStdvarOverTime(w: Window): number | null {
  return variance(w);
}

/** `stddev_over_time`: population standard deviation. */
export function funcStddevOverTime(w: Window): number | null {
  const v = variance(w);
  return v === null ? null : Math.sqrt(v);
}
