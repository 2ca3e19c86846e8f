/**
 * Sliding kernels: every range function but rate/increase/delta (fast_rate.ts) over all the
 * windows of one samples array at once, where the reference (functions/range*.ts, through
 * windows.ts) runs a kernel window by window. Each computes what it can from what the
 * window before left (monotone deques for min/max, prefix counts for changes/resets, exact
 * prefix sums for whole-number sums, exact sliding sums for the least squares of whole numbers
 * at eighths of a second, a sorted window for quantiles and the median's deviations, the edges
 * alone for last/first/count, the last two samples for irate/idelta), and runs the reference
 * arithmetic itself on the window where an incremental update could round differently
 * (compensated sums of fractions, Welford's variance): same results, bit for bit.
 */
import { RANGE_FUNCTIONS } from "../../functions/range.ts";
import { extremeKernel, narrowExtremeKernel } from "./extreme_kernel.ts";
import { changesKernel, resetsKernel, sumKernel } from "./prefix_kernels.ts";
import { madKernel, quantileKernel } from "./quantile_kernel.ts";
import { regressionKernel } from "./regression_kernel.ts";
import {
  edges,
  lastTwo,
  type NarrowKernel,
  perWindow,
  type SlidingKernel,
} from "./slide_kernel.ts";
import { varianceKernel } from "./variance_kernel.ts";

/**
 * Functions whose arithmetic over the whole window depends on its order (smoothing): the
 * reference kernel per window, fed from the shared plans and the slices in place.
 */
const PER_WINDOW = ["double_exponential_smoothing"];

/**
 * True when `func`'s kernel may pass over every window, so that a series can take
 * milliseconds: the walk then lets other queries run between series rather than between
 * blocks of them.
 */
export function heavy(func: string): boolean {
  return HEAVY.includes(func);
}

const HEAVY = [
  "stddev_over_time",
  "stdvar_over_time",
  "quantile_over_time",
  "mad_over_time",
  "deriv",
  "predict_linear",
  "double_exponential_smoothing",
];

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
  deriv: regressionKernel(false),
  predict_linear: regressionKernel(true),
  stddev_over_time: varianceKernel(true),
  stdvar_over_time: varianceKernel(false),
  quantile_over_time: quantileKernel,
  mad_over_time: madKernel,
  irate: lastTwo(true),
  idelta: lastTwo(false),
  ...Object.fromEntries(PER_WINDOW.map((name) => [name, perWindow(RANGE_FUNCTIONS[name])])),
};

/**
 * Kernels that read a slice's narrow values in place (slide_kernel.ts, NarrowKernel), for the
 * functions where that is faster than over the values widened; the sliding kernel runs where
 * one declines, or over values that are not narrow.
 */
export const NARROW_KERNELS: Readonly<Record<string, NarrowKernel>> = {
  max_over_time: narrowExtremeKernel(true),
  min_over_time: narrowExtremeKernel(false),
};

/**
 * The same functions through the reference kernel run on each window (still fed from the
 * shared plans and the slices in place): what `FastTuning.perWindowKernels` forces, to
 * measure the sliding kernels against and to set them aside should one ever be in doubt.
 */
export const PER_WINDOW_KERNELS: Readonly<Record<string, SlidingKernel>> = Object.fromEntries(
  Object.keys(SLIDING_KERNELS).map((name) => [name, perWindow(RANGE_FUNCTIONS[name])]),
);
