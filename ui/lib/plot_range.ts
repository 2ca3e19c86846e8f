/**
 * Y ranges uPlot can draw. uPlot lays an axis's ticks by adding its step to the range's low end
 * until it passes the high end; over a range its float steps cannot cross (both ends equal, or a
 * float's noise apart) that loop never ends and the page hangs (leeoniya/uPlot#827, #1084).
 * uPlot's own padding makes such ranges: it rounds the padded ends to its ticks, and data a
 * float's noise apart, such as a CPU-seconds rate of 0.99999976 and 1.00000024, rounds to [1, 1].
 * So every y scale is ranged here, and a range too narrow to draw is drawn as flat data is.
 */
import uPlot from "uplot";

/** Narrower than this share of its ends' magnitude, a range is noise: ticks cannot cross it. */
const NOISE = 1e-9;

/** True when ticks can be laid over [lo, hi]: both finite and far enough apart for a float. */
export function drawable(lo: number, hi: number): boolean {
  return (
    Number.isFinite(lo) &&
    Number.isFinite(hi) &&
    hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * NOISE
  );
}

/**
 * [lo, hi] padded by a tenth of its span as uPlot pads it; data a float's noise apart is drawn
 * as flat, around its middle (uPlot pads flat data by its magnitude: 1 gives [0, 2]).
 */
export function paddedRange(lo: number, hi: number): [number, number] {
  // uPlot types a range's ends as nullable; from numbers it gives numbers.
  const [a, b] = uPlot.rangeNum(lo, hi, 0.1, true) as [number, number];
  if (drawable(a, b)) return [a, b];
  const mid = lo / 2 + hi / 2;
  const [c, d] = uPlot.rangeNum(mid, mid, 0.1, true) as [number, number];
  if (drawable(c, d)) return [c, d];
  // Only near the largest floats, where padding by the whole magnitude overflows to Infinity.
  const pad = Math.abs(mid) / 2 || 1;
  return [mid - pad, mid + pad];
}

/**
 * A log scale's range over positive [lo, hi], never empty: out to whole powers of `base`, or
 * with `fullMags` false to the powers' multiples (uPlot's default for a log y scale).
 */
export function logRange(lo: number, hi: number, base: 2 | 10, fullMags = true): [number, number] {
  // Zero and below have no place on a log axis: data there starts at 1 or below its top.
  const low = lo > 0 ? lo : hi > 0 ? Math.min(hi, 1) : 1;
  const high = Math.max(hi, low);
  const [a, b] = uPlot.rangeLog(low, high, base, fullMags) as [number, number];
  if (a > 0 && drawable(a, b)) return [a, b];
  // A power of the base either side: the flat data sits in the middle. The exponent is kept
  // where the powers stay finite and above zero.
  const limit = base === 2 ? 1000 : 300;
  const exp = Math.max(-limit, Math.min(limit, Math.floor(Math.log(low) / Math.log(base))));
  return [base ** (exp - 1), base ** (exp + 1)];
}

/**
 * The config's hard `min` and `max` over the padded data range [a, b], as Grafana applies them,
 * kept drawable: a hard end at or beyond the other end keeps the data's span from it, and two
 * hard ends that meet are drawn as flat data at that value.
 */
export function withHardEnds(
  [a, b]: [number, number],
  min: number | null | undefined,
  max: number | null | undefined,
): [number, number] {
  const lo = min ?? a;
  const hi = max ?? b;
  if (drawable(lo, hi)) return [lo, hi];
  if (min != null && max == null) return [lo, lo + (b - a)];
  if (max != null && min == null) return [hi - (b - a), hi];
  return paddedRange(lo, lo);
}

/** uPlot's `range` for a linear y scale: no data gives no range, as uPlot's own does. */
export function linearY(_u: uPlot, dmin: number | null, dmax: number | null): uPlot.Range.MinMax {
  return dmin === null || dmax === null ? [null, null] : paddedRange(dmin, dmax);
}

/** uPlot's `range` for a log-10 y scale: no data gives no range, as uPlot's own does. */
export function log10Y(_u: uPlot, dmin: number | null, dmax: number | null): uPlot.Range.MinMax {
  return dmin === null || dmax === null ? [null, null] : logRange(dmin, dmax, 10, false);
}
