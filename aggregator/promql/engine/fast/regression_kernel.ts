/**
 * deriv and predict_linear as sliding sums: the least squares' four sums (x, y, xy, x²) are
 * kept from window to window, the samples leaving taken out and those entering added, and
 * moved to each window's own x origin by shifting. This is exact, and so gives the reference's
 * bits, only where every sum is: values whole numbers, times at whole eighths of a second
 * apart (x is then a multiple of 1/8, x² of 1/64) and magnitudes bounded so that no sum,
 * product or shift leaves the 53 bits of a double (see `fits`). Then the reference's
 * compensated sums carry no error either, its totals are the exact ones, and both sides
 * finish from equal sums with the same expressions. Any other plan (fractions, NaN,
 * infinities, jittered milliseconds) runs the reference kernel per window; a window whose
 * magnitudes are too big runs it alone, and the sums start again after it.
 */
import { RANGE_FUNCTIONS } from "../../functions/range.ts";
import { perWindow, type SlidingKernel } from "./slide_kernel.ts";
import type { WindowPlan } from "./window_plan.ts";

/** Windows answered from the sliding sums and by the reference kernel (for the tests). */
export const regressionWindows = { exact: 0, reference: 0 };

/** Per sample of the plan: the value changes from the sample before (constant windows). */
let changes = new Int32Array(1024);

/** What every window of the plan shares, from `suited`. */
const unit = { ms: 0, residue: 0, maxY: 0, limitX2: 0, limitXY: 0 };

/** The sums of the window [slo, shi), x measured in seconds from ts[slo]. */
let slo = 0;
let shi = 0;
let sx = 0;
let sy = 0;
let sxy = 0;
let sx2 = 0;

/**
 * True when every value the plan's windows reach is a whole number and every time lies a
 * whole number of eighths of a second (or seconds) from the first; sets `unit` and fills
 * `changes` (prefix counts of value changes, for the constant-series case).
 */
function suited(ts: Float64Array, vs: Float64Array, first: number, end: number): boolean {
  if (end - first < 2) return false;
  if (changes.length < end - first) changes = new Int32Array((end - first) * 2);
  let maxY = 1;
  let changed = 0;
  changes[0] = 0;
  for (let i = first; i < end; i++) {
    const v = vs[i];
    // NaN fails the first test, an infinity the second.
    if (v !== Math.trunc(v) || Math.abs(v) > 2 ** 52) return false;
    if (Math.abs(v) > maxY) maxY = Math.abs(v);
    if (i > first && v !== vs[i - 1]) changed++;
    changes[i - first] = changed;
  }
  unit.maxY = maxY;
  // Whole seconds apart give x whole numbers (more room); eighths give multiples of 1/8. A
  // quotient of whole milliseconds is a whole number only when it divides (|t| < 2^45).
  const t0 = ts[first];
  let seconds = true;
  let eighths = true;
  for (let i = first + 1; i < end && eighths; i++) {
    const d = ts[i] - t0;
    if (seconds && d / 1000 !== Math.trunc(d / 1000)) seconds = false;
    if (!seconds && d / 125 !== Math.trunc(d / 125)) eighths = false;
  }
  if (!eighths || Math.abs(t0) > 2 ** 44) return false;
  const bits = seconds ? 0 : 3;
  unit.ms = seconds ? 1000 : 125;
  unit.residue = mod(t0, unit.ms);
  unit.limitX2 = 2 ** (53 - 2 * bits);
  unit.limitXY = 2 ** (53 - bits);
  return true;
}

function mod(t: number, m: number): number {
  return ((t % m) + m) % m;
}

/**
 * True when sums over `n` samples whose |x| is at most `a` seconds, before and after a shift
 * by at most `a`, stay exact: x·y and the xy sums are multiples of 2^-bits, x² and its sums of
 * 2^-2bits, each below 2^53 such units, with room for the shift's terms (x² - 2d·x reaches
 * 3na², xy - d·y 2na·max|y|).
 */
function fits(n: number, a: number): boolean {
  return (
    4 * n * a * a < unit.limitX2 && 2 * n * a * unit.maxY < unit.limitXY && n * unit.maxY < 2 ** 53
  );
}

/** Sums the window [lo, hi) afresh with x from ts[lo]; false when it would not be exact. */
function fresh(ts: Float64Array, vs: Float64Array, lo: number, hi: number): boolean {
  if (!fits(hi - lo, (ts[hi - 1] - ts[lo]) / 1e3)) return false;
  const origin = ts[lo];
  sx = 0;
  sy = 0;
  sxy = 0;
  sx2 = 0;
  for (let i = lo; i < hi; i++) {
    const x = (ts[i] - origin) / 1e3;
    const y = vs[i];
    sx += x;
    sy += y;
    sxy += x * y;
    sx2 += x * x;
  }
  slo = lo;
  shi = hi;
  return true;
}

/**
 * Moves the sums from [slo, shi) to [lo, hi) (lo ≥ slo, hi ≥ shi, lo ≤ shi): the samples
 * before lo out and those from shi in, with x from ts[slo], then x shifted to start at ts[lo].
 * False when it would not be exact.
 */
function slide(ts: Float64Array, vs: Float64Array, lo: number, hi: number): boolean {
  const origin = ts[slo];
  if (!fits(hi - slo, (ts[hi - 1] - origin) / 1e3)) return false;
  for (let i = slo; i < lo; i++) {
    const x = (ts[i] - origin) / 1e3;
    const y = vs[i];
    sx -= x;
    sy -= y;
    sxy -= x * y;
    sx2 -= x * x;
  }
  for (let i = shi; i < hi; i++) {
    const x = (ts[i] - origin) / 1e3;
    const y = vs[i];
    sx += x;
    sy += y;
    sxy += x * y;
    sx2 += x * x;
  }
  shift((ts[lo] - origin) / 1e3, hi - lo);
  slo = lo;
  shi = hi;
  return true;
}

/** Moves the x origin of the sums of `n` samples `d` seconds later. */
function shift(d: number, n: number): void {
  sx2 = sx2 - 2 * d * sx + n * d * d;
  sxy -= d * sy;
  sx -= n * d;
}

/** The reference's least squares from exact sums (x from the intercept time): its slope. */
function slopeOf(n: number, x: number, y: number, xy: number, x2: number): number {
  const covXY = xy - (x * y) / n;
  const varX = x2 - (x * x) / n;
  return covXY / varX;
}

/** Brings the sums to [lo, hi), sliding when that is cheaper; false when not exact. */
function sumsFor(ts: Float64Array, vs: Float64Array, lo: number, hi: number, have: boolean) {
  const overlapping = have && lo >= slo && hi >= shi && lo <= shi;
  if (overlapping && lo - slo + hi - shi <= hi - lo) return slide(ts, vs, lo, hi);
  return fresh(ts, vs, lo, hi);
}

/**
 * deriv, or predict_linear with `predict`: sliding sums where they are exact (see above), the
 * reference kernel on each window elsewhere.
 */
export function regressionKernel(predict: boolean): SlidingKernel {
  const reference = predict ? RANGE_FUNCTIONS.predict_linear : RANGE_FUNCTIONS.deriv;
  const fallback = perWindow(reference);
  return (call, ts, vs, plan, values, present) => {
    if (!suited(ts, vs, plan.first, plan.end)) {
      const count = fallback(call, ts, vs, plan, values, present);
      regressionWindows.reference += count;
      return count;
    }
    const { lo: los, hi: his } = plan;
    let have = false;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      present[i] = 0;
      if (hi - lo < 2) continue;
      have = sumsFor(ts, vs, lo, hi, have);
      const r = have ? exact(call.params, call.t0 + i * call.step, ts, vs, plan, i, predict) : null;
      if (r === null) {
        // Too big to be exact here: the reference on this window alone.
        count += single(fallback, call, ts, vs, plan, i, values, present);
        regressionWindows.reference++;
        continue;
      }
      regressionWindows.exact++;
      values[i] = r;
      present[i] = 1;
      count++;
    }
    return count;
  };
}

/** Step `i`'s result from the sums of its window; null when predict_linear's shift is not exact. */
function exact(
  params: readonly Float64Array[],
  evalTs: number,
  ts: Float64Array,
  vs: Float64Array,
  plan: WindowPlan,
  i: number,
  predict: boolean,
): number | null {
  const lo = slo;
  const hi = shi;
  const n = hi - lo;
  const first = plan.first;
  if (changes[hi - 1 - first] === changes[lo - first]) {
    // A constant window (whole values, so never ±Inf): slope 0, the line at its value.
    return predict ? 0 * params[0][i] + vs[lo] : 0;
  }
  if (!predict) return slopeOf(n, sx + 0, sy + 0, sxy + 0, sx2 + 0);
  // predict_linear measures x from the step's evaluation time.
  if (mod(evalTs, unit.ms) !== unit.residue) return null;
  const d = (evalTs - ts[lo]) / 1e3;
  // The bound covers x before the shift (from ts[lo]), after it, and the shift itself.
  const span = (ts[hi - 1] - ts[lo]) / 1e3;
  const far = Math.max(Math.abs(d), span, Math.abs((ts[hi - 1] - evalTs) / 1e3));
  if (!fits(n, far)) return null;
  const x = sx - n * d + 0;
  const xy = sxy - d * sy + 0;
  const x2 = sx2 - 2 * d * sx + n * d * d + 0;
  const y = sy + 0;
  const slope = slopeOf(n, x, y, xy, x2);
  const intercept = y / n - (slope * x) / n;
  return slope * params[0][i] + intercept;
}

/** The reference kernel on step `i` alone (a one-step plan view); 1 when it has a value. */
function single(
  fallback: SlidingKernel,
  call: Parameters<SlidingKernel>[0],
  ts: Float64Array,
  vs: Float64Array,
  plan: WindowPlan,
  i: number,
  values: Float64Array,
  present: Uint8Array,
): number {
  const from = plan.from;
  const to = plan.to;
  plan.from = i;
  plan.to = i + 1;
  try {
    return fallback(call, ts, vs, plan, values, present);
  } finally {
    plan.from = from;
    plan.to = to;
  }
}
