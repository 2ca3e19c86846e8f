/**
 * A range result turned into uPlot's columns: one shared time axis, a value column per series.
 * This runs on every draw of up to ~1 M points (100 series × 11,000), so it fills preallocated
 * arrays and avoids a closure or a Map lookup per point where the step grid allows.
 */

/** One series of a range answer, as the query service gives it. */
export interface RangeSeries {
  timestampsMs: readonly bigint[];
  values: readonly number[];
}

/** uPlot's data: x in seconds, then one column per series with null where it has no point. */
export type Columns = [number[], ...(number | null)[][]];

/** The step grid of a range query: its points fall at `startMs + k × stepMs`. */
export interface Grid {
  startMs: number;
  stepMs: number;
}

/**
 * Aligns every series on the step grid when given and its points are on it (a range query's
 * answer), else on the union of their timestamps. A step no series has a point at is a gap.
 * Columns may share the series' own value arrays: uPlot only reads them.
 */
export function alignSeries(series: readonly RangeSeries[], grid?: Grid): Columns {
  return (grid && onGrid(series, grid)) || onUnion(series);
}

function onGrid(series: readonly RangeSeries[], { startMs, stepMs }: Grid): Columns | null {
  let last = startMs;
  for (const s of series) {
    const n = s.timestampsMs.length;
    if (n > 0 && Number(s.timestampsMs[n - 1]) > last) last = Number(s.timestampsMs[n - 1]);
  }
  if ((last - startMs) % stepMs !== 0) return null;
  const size = (last - startMs) / stepMs + 1;
  const xs = new Array<number>(size);
  for (let k = 0; k < size; k++) xs[k] = (startMs + k * stepMs) / 1000;
  const columns: (number | null)[][] = [];
  for (const s of series) {
    const col = fullColumn(s, startMs, last, size) ?? gridColumn(s, startMs, stepMs, size);
    if (col === null) return null;
    columns.push(col);
  }
  return [xs, ...columns];
}

/**
 * A series with a point at every step needs no timestamp read per point (converting a million
 * bigints is most of the cost): its values are the column, copied only to turn NaN and ±Inf,
 * which uPlot cannot draw, into gaps. As many ascending points as steps, from the first step to
 * the last, are taken to be on the grid, as a range query's answer always is.
 */
function fullColumn(s: RangeSeries, startMs: number, last: number, size: number) {
  const n = s.timestampsMs.length;
  if (n !== size || Number(s.timestampsMs[0]) !== startMs || Number(s.timestampsMs[n - 1]) !== last)
    return null;
  const vs = s.values;
  let i = 0;
  while (i < n && Number.isFinite(vs[i])) i++;
  if (i === n) return vs as (number | null)[];
  const col: (number | null)[] = vs.slice();
  for (; i < n; i++) if (!Number.isFinite(col[i])) col[i] = null;
  return col;
}

/** A series placed on the grid by its timestamps; null when one is off the grid. */
function gridColumn(s: RangeSeries, startMs: number, stepMs: number, size: number) {
  const col = new Array<number | null>(size).fill(null);
  const ts = s.timestampsMs;
  const vs = s.values;
  for (let i = 0; i < ts.length; i++) {
    const off = Number(ts[i]) - startMs;
    const k = off / stepMs;
    if (off < 0 || k !== Math.floor(k)) return null;
    const v = vs[i];
    // uPlot cannot draw NaN or ±Inf: they become gaps.
    col[k] = Number.isFinite(v) ? v : null;
  }
  return col;
}

function onUnion(series: readonly RangeSeries[]): Columns {
  const times = new Set<number>();
  for (const s of series) for (const t of s.timestampsMs) times.add(Number(t));
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.timestampsMs.forEach((t, i) => {
      const v = s.values[i];
      col[index.get(Number(t))!] = Number.isFinite(v) ? v : null;
    });
    return col;
  });
  return [xs.map((t) => t / 1000), ...columns];
}

/**
 * The columns stacked: each series drawn on top of the ones before it (a gap adds nothing and
 * stays a gap), as Grafana's "normal" stacking. The x column is shared, not copied.
 */
export function stackColumns(cols: Columns): Columns {
  const [xs, ...ys] = cols;
  const sum = new Float64Array(xs.length);
  const out: (number | null)[][] = [];
  for (const col of ys) {
    const next = new Array<number | null>(col.length);
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v === null) next[i] = null;
      else {
        sum[i] += v;
        next[i] = sum[i];
      }
    }
    out.push(next);
  }
  return [xs, ...out];
}

/** The columns for a log scale: zero and negative values have no place on it and become gaps. */
export function positiveOnly(cols: Columns): Columns {
  const [xs, ...ys] = cols;
  return [xs, ...ys.map((col) => col.map((v) => (v !== null && v > 0 ? v : null)))];
}
