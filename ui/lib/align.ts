/** A range result turned into uPlot's columns: one shared time axis, a value column per series. */

/** One series of a range answer, as the query service gives it. */
export interface RangeSeries {
  timestampsMs: readonly bigint[];
  values: readonly number[];
}

/** uPlot's data: x in seconds, then one column per series with null where it has no point. */
export type Columns = [number[], ...(number | null)[][]];

/** Aligns every series on the union of their timestamps. */
export function alignSeries(series: readonly RangeSeries[]): Columns {
  const times = new Set<number>();
  for (const s of series) for (const t of s.timestampsMs) times.add(Number(t));
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.timestampsMs.forEach((t, i) => {
      // uPlot cannot draw NaN or ±Inf: they become gaps.
      const v = s.values[i];
      col[index.get(Number(t))!] = Number.isFinite(v) ? v : null;
    });
    return col;
  });
  return [xs.map((t) => t / 1000), ...columns];
}
