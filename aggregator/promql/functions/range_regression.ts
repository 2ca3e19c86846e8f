/**
 * Trend kernels: deriv and predict_linear (least squares with Prometheus's compensated sums,
 * x measured in seconds from a nearby intercept time to keep precision), and
 * double_exponential_smoothing (experimental in Prometheus 3).
 */
import { PromQLError } from "../value.ts";
import { KahanSum } from "./kahan.ts";
import type { Window } from "./range.ts";

const sumX = new KahanSum();
const sumY = new KahanSum();
const sumXY = new KahanSum();
const sumX2 = new KahanSum();

// linearRegression's two results; module-level so that returning them allocates nothing.
let slope = 0;
let intercept = 0;

/**
 * Least-squares fit of the window's samples with x = (t - interceptTime) seconds; sets `slope`
 * and `intercept` (the fitted value at interceptTime). A constant series has slope 0, unless
 * it is constantly ±Inf, which has no defined line (NaN, NaN).
 */
function linearRegression(w: Window, interceptTime: number): void {
  const { ts, vs, lo, hi } = w;
  sumX.reset();
  sumY.reset();
  sumXY.reset();
  sumX2.reset();
  const initY = vs[lo];
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i];
    // NaN !== NaN, so a NaN sample makes the series non-constant, as in Prometheus.
    if (constY && i > lo && y !== initY) constY = false;
    const x = (ts[i] - interceptTime) / 1e3;
    sumX.add(x);
    sumY.add(y);
    sumXY.add(x * y);
    sumX2.add(x * x);
  }
  if (constY) {
    const infinite = initY === Number.POSITIVE_INFINITY || initY === Number.NEGATIVE_INFINITY;
    slope = infinite ? Number.NaN : 0;
    intercept = infinite ? Number.NaN : initY;
    return;
  }
  const n = hi - lo;
  const x = sumX.total();
  const y = sumY.total();
  const covXY = sumXY.total() - (x * y) / n;
  const varX = sumX2.total() - (x * x) / n;
  slope = covXY / varX;
  intercept = y / n - (slope * x) / n;
}

/** `deriv(v[d])`: per-second slope of the least-squares line; needs two samples. */
export function funcDeriv(w: Window): number | null {
  if (w.hi - w.lo < 2) return null;
  // An intercept time near the samples avoids precision loss (prometheus#2674).
  linearRegression(w, w.ts[w.lo]);
  return slope;
}

/**
 * `predict_linear(v[d], t)`: the least-squares line's value t seconds (params[0]) after the
 * step's evaluation time.
 */
export function funcPredictLinear(w: Window, params: readonly number[]): number | null {
  if (w.hi - w.lo < 2) return null;
  linearRegression(w, w.evalTs ?? w.end);
  return slope * params[0] + intercept;
}

/**
 * `double_exponential_smoothing(v[d], sf, tf)` (Holt's linear method): params are the smoothing
 * and trend factors, each strictly between 0 and 1; needs two samples.
 * @throws PromQLError("execution") for a factor out of range, with Prometheus's message.
 */
export function funcDoubleExponentialSmoothing(
  w: Window,
  params: readonly number[],
): number | null {
  const { vs, lo, hi } = w;
  // Prometheus validates only for series it evaluates, i.e. with samples in the window.
  if (hi <= lo) return null;
  const sf = params[0];
  const tf = params[1];
  if (sf <= 0 || sf >= 1) throw invalidFactor("smoothing factor", "sf", sf);
  if (tf <= 0 || tf >= 1) throw invalidFactor("trend factor", "tf", tf);
  if (hi - lo < 2) return null;
  let s0 = 0;
  let s1 = vs[lo];
  let trend = vs[lo + 1] - vs[lo];
  for (let i = lo + 1; i < hi; i++) {
    const x = sf * vs[i];
    // The initial trend stands for the first step; later steps blend in the latest change.
    if (i > lo + 1) trend = tf * (s1 - s0) + (1 - tf) * trend;
    const y = (1 - sf) * (s1 + trend);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** Prometheus's error for a bad smoothing or trend factor (Go's `%f` formatting). */
function invalidFactor(what: string, symbol: string, value: number): PromQLError {
  const shown =
    value === Number.POSITIVE_INFINITY
      ? "+Inf"
      : value === Number.NEGATIVE_INFINITY
        ? "-Inf"
        : value.toFixed(6);
  return new PromQLError(
    "execution",
    `invalid ${what}. Expected: 0 < ${symbol} < 1, got: ${shown}`,
  );
}
