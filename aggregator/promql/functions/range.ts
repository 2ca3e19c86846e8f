/**
 * The range-vector function kernels (`rate(x[5m])`, `avg_over_time(x[1h])`, …) the engine calls
 * once per series per step. Each kernel reads one window of one series' float samples and
 * returns the step's value, or `null` when Prometheus 3 outputs nothing for that step.
 *
 * Kernels allocate nothing and create no closures; the ones that need scratch space share
 * module-level buffers, so they are not re-entrant (the engine is single-threaded).
 */

import { funcMadOverTime, funcQuantileOverTime } from "./range_quantile.ts";
import {
  funcChanges,
  funcDelta,
  funcIdelta,
  funcIncrease,
  funcIrate,
  funcRate,
  funcResets,
} from "./range_rate.ts";
import {
  funcDeriv,
  funcDoubleExponentialSmoothing,
  funcPredictLinear,
} from "./range_regression.ts";
import {
  funcAvgOverTime,
  funcCountOverTime,
  funcFirstOverTime,
  funcLastOverTime,
  funcMaxOverTime,
  funcMinOverTime,
  funcPresentOverTime,
  funcStddevOverTime,
  funcStdvarOverTime,
  funcSumOverTime,
  funcTsOfFirstOverTime,
  funcTsOfLastOverTime,
  funcTsOfMaxOverTime,
  funcTsOfMinOverTime,
} from "./range_stats.ts";

/**
 * One step's window over one series. Samples at indices [lo, hi) of `ts`/`vs` lie in the
 * left-open window (start, end] (ms, offset and `@` already applied); staleness markers are
 * already removed.
 */
export interface Window {
  /** Sample timestamps, ms, ascending. */
  ts: Float64Array;
  /** Sample values. */
  vs: Float64Array;
  /** First index inside the window. */
  lo: number;
  /** One past the last index inside the window. */
  hi: number;
  /** Exclusive window start, ms. */
  start: number;
  /** Inclusive window end, ms. */
  end: number;
  /**
   * Not read by the kernels: as in Prometheus, counter semantics follow the function
   * (`rate`/`increase`/`irate`/`resets` treat the series as a counter, `delta`/`idelta` do not).
   */
  isCounter: boolean;
  /**
   * The step's evaluation time, ms, before `offset` and `@` are applied. `predict_linear`
   * extrapolates from it (Prometheus uses the step time, not the window end); defaults to `end`.
   */
  evalTs?: number;
}

/** A window over no samples, to be filled in and reused by a walk over many windows. */
export function emptyWindow(): Window {
  return {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    lo: 0,
    hi: 0,
    start: 0,
    end: 0,
    isCounter: false,
    evalTs: 0,
  };
}

/** A range-function kernel: the value for one window, or `null` for "no output at this step". */
export type RangeFunction = (w: Window, params: readonly number[]) => number | null;

/**
 * Kernels by PromQL function name. `params` holds the scalar arguments in call order without
 * the range vector: `quantile_over_time` φ, `predict_linear` seconds,
 * `double_exponential_smoothing` smoothing and trend factors.
 */
export const RANGE_FUNCTIONS: Readonly<Record<string, RangeFunction>> = {
  rate: funcRate,
  increase: funcIncrease,
  delta: funcDelta,
  irate: funcIrate,
  idelta: funcIdelta,
  changes: funcChanges,
  resets: funcResets,
  deriv: funcDeriv,
  predict_linear: funcPredictLinear,
  double_exponential_smoothing: funcDoubleExponentialSmoothing,
  avg_over_time: funcAvgOverTime,
  sum_over_time: funcSumOverTime,
  count_over_time: funcCountOverTime,
  min_over_time: funcMinOverTime,
  max_over_time: funcMaxOverTime,
  last_over_time: funcLastOverTime,
  first_over_time: funcFirstOverTime,
  present_over_time: funcPresentOverTime,
  stddev_over_time: funcStddevOverTime,
  stdvar_over_time: funcStdvarOverTime,
  quantile_over_time: funcQuantileOverTime,
  mad_over_time: funcMadOverTime,
  ts_of_first_over_time: funcTsOfFirstOverTime,
  ts_of_last_over_time: funcTsOfLastOverTime,
  ts_of_max_over_time: funcTsOfMaxOverTime,
  ts_of_min_over_time: funcTsOfMinOverTime,
};
