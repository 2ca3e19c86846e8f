/**
 * Sliding kernels: every range function but rate/increase/delta (fast_rate.ts) over all the
 * windows of one samples array at once, where the reference (functions/range*.ts, through
 * windows.ts) runs a kernel window by window. Each computes what it can from what the
 * window before left (monotone deques for min/max, prefix counts for changes/resets, exact
 * prefix sums for whole-number sums, the edges alone for last/first/count), and runs the
 * reference kernel itself on the window where an incremental update could round differently
 * (compensated sums of fractions, variance, regression, quantiles): same results, bit for bit.
 */
import { RANGE_FUNCTIONS } from "../../functions/range.ts";
import { extremeKernel } from "./extreme_kernel.ts";
import { changesKernel, resetsKernel, sumKernel } from "./prefix_kernels.ts";
import { edges, perWindow, type SlidingKernel } from "./slide_kernel.ts";

/**
 * Functions whose arithmetic over the whole window depends on its order (Welford, least
 * squares, selection, smoothing), or that read the last two samples alone (irate, idelta):
 * the reference kernel per window, fed from the shared plans and the slices in place. All but
 * irate/idelta cost a pass over every window (`heavy`).
 */
const PER_WINDOW = [
  "stddev_over_time",
  "stdvar_over_time",
  "quantile_over_time",
  "mad_over_time",
  "deriv",
  "predict_linear",
  "double_exponential_smoothing",
  "irate",
  "idelta",
];

/**
 * True when `func`'s kernel passes over every window, so that a series can take milliseconds:
 * the walk then lets other queries run between series rather than between blocks of them.
 */
export function heavy(func: string): boolean {
  return PER_WINDOW.includes(func) && func !== "irate" && func !== "idelta";
}

/** The functions with a sliding kernel (rate, increase and delta have fast_rate.ts). */
export const SLIDING_KERNELS: Readonly<Record<string, SlidingKernel>> = {
  count_over_time: edges((_ts, _vs, lo, hi) => hi - lo),
  present_over_time: edges(() => 1),
  last_over_time: edges((_ts, vs, _lo, hi) => vs[hi - 1]),
  first_over_time: edges((_ts, vs, lo) => vs[lo]),
  ts_of_last_over_time: edges((ts, _vs, _lo, hi) => ts[hi - 1] / 1000),
  ts_of_first_over_time: edges((ts, _vs, lo) => ts[lo] / 1000),
  max_over_time: extremeKernel(true, false),
  min_over_time: extremeKernel(false, false),
  ts_of_max_over_time: extremeKernel(true, true),
  ts_of_min_over_time: extremeKernel(false, true),
  sum_over_time: sumKernel(false, RANGE_FUNCTIONS.sum_over_time),
  avg_over_time: sumKernel(true, RANGE_FUNCTIONS.avg_over_time),
  changes: changesKernel,
  resets: resetsKernel,
  ...Object.fromEntries(PER_WINDOW.map((name) => [name, perWindow(RANGE_FUNCTIONS[name])])),
};
