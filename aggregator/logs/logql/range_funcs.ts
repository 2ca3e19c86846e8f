/**
 * The functions of unwrapped range aggregations over one window's values, with Loki's
 * arithmetic (`range_vector.go`): plain sums, incremental means, Welford variances, and
 * Prometheus's interpolated quantile.
 */

/** A function of a window: its values (in time order), the range in seconds, the parameter. */
export type RangeFunc = (values: number[], rangeSeconds: number, param: number) => number;

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function avg(values: number[]): number {
  let mean = 0;
  let count = 0;
  for (const v of values) {
    count++;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      // An infinite mean stays as it is unless a NaN or an opposite infinity arrives.
      if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
      if (Number.isFinite(v)) continue;
    }
    mean += v / count - mean / count;
  }
  return mean;
}

/** Population variance by Welford's method, as Loki computes it. */
export function variance(values: number[]): number {
  let mean = 0;
  let aux = 0;
  let count = 0;
  for (const v of values) {
    count++;
    const delta = v - mean;
    mean += delta / count;
    aux += delta * (v - mean);
  }
  return aux / count;
}

function extreme(values: number[], better: (a: number, b: number) => boolean): number {
  let best = values[0];
  for (const v of values) if (better(v, best) || Number.isNaN(best)) best = v;
  return best;
}

/** Prometheus's `quantile`: linear interpolation between the closest ranks. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

/** The functions by operation. */
export const RANGE_FUNCS: Readonly<Record<string, RangeFunc>> = {
  sum_over_time: sum,
  avg_over_time: avg,
  min_over_time: (v) => extreme(v, (a, b) => a < b),
  max_over_time: (v) => extreme(v, (a, b) => a > b),
  stdvar_over_time: variance,
  stddev_over_time: (v) => Math.sqrt(variance(v)),
  quantile_over_time: (v, _, q) => quantile(q, v),
  first_over_time: (v) => v[0],
  last_over_time: (v) => v[v.length - 1],
  rate: (v, seconds) => sum(v) / seconds,
  absent_over_time: () => 1,
};
