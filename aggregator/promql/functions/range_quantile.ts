/**
 * Rank-based `*_over_time` kernels: quantile_over_time and mad_over_time (experimental in
 * Prometheus 3). The φ out of [0, 1] warning is the engine's to raise; the value here is
 * ±Inf or NaN as Prometheus returns it.
 */
import { medianAbsoluteDeviation, quantileOf } from "./quantile.ts";
import type { Window } from "./range.ts";

/** `quantile_over_time(φ, v[d])`: params[0] is φ. */
export function funcQuantileOverTime(w: Window, params: readonly number[]): number | null {
  if (w.hi <= w.lo) return null;
  return quantileOf(params[0], w.vs, w.lo, w.hi);
}

/** `mad_over_time(v[d])`: median absolute deviation from the median. */
export function funcMadOverTime(w: Window): number | null {
  if (w.hi <= w.lo) return null;
  return medianAbsoluteDeviation(w.vs, w.lo, w.hi);
}
