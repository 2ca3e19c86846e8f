/**
 * The one shape of rollup rows every consumer holds (`RollupRows`, storage.ts): the reader of
 * rollup files, the cache of joined runs, and the engine's rows folded from raw samples are
 * all built by `rollupRows()`, which adds the running totals of counts and sums, so that a
 * window's count or (exact) sum is one subtraction instead of a loop over its rows.
 */
import type { Labels } from "../../shared/model/labels.ts";
import {
  ROLLUP_BASE_FIELDS,
  ROLLUP_FIELDS,
  ROLLUP_FLOATS,
  type RollupField,
  type RollupRows,
  type TimeRange,
} from "./storage.ts";

/** The stored columns of rows, without labels and running totals. */
export type RollupColumns = { readonly [K in (typeof ROLLUP_FLOATS)[number]]: Float64Array } & {
  readonly whole: Uint8Array;
};

/** 2^53: integers up to it are exact doubles, and so are their sums while they stay below. */
const EXACT = 2 ** 53;

/**
 * Rows of `length` from `cols` (arrays at least that long, or empty where a read left the
 * column out), with running totals. Sums are totalled exactly only when every row is whole
 * and no partial sum can pass 2^53; otherwise `exactTotals` is false and a window's sum must be
 * added row by row, as the sample kernel does. Without `sum`, `sumTotal` is empty and without
 * `whole`, `min` or `max` the totals are not exact.
 */
export function rollupRows(labels: Labels, length: number, cols: RollupColumns): RollupRows {
  const countTotal = new Float64Array(length + 1);
  for (let i = 0; i < length; i++) countTotal[i + 1] = countTotal[i] + cols.count[i];
  const held = (a: ArrayLike<number>) => a.length >= length;
  let sumTotal = NONE;
  let exact = false;
  if (held(cols.sum)) {
    sumTotal = new Float64Array(length + 1);
    for (let i = 0; i < length; i++) sumTotal[i + 1] = sumTotal[i] + cols.sum[i];
    exact = held(cols.whole) && held(cols.min) && held(cols.max) && exactSums(length, cols);
  }
  return {
    labels,
    length,
    ...columnsBetween(cols, 0, length),
    countTotal,
    sumTotal,
    exactTotals: exact,
  };
}

/** Rows [lo, hi) of `cols`, as views sharing their arrays (an empty column stays empty). */
export function columnsBetween(cols: RollupColumns, lo: number, hi: number): RollupColumns {
  const out = { whole: cols.whole.subarray(lo, hi) } as Record<string, Float64Array | Uint8Array>;
  for (const f of ROLLUP_FLOATS) out[f] = cols[f].subarray(lo, hi);
  return out as unknown as RollupColumns;
}

/**
 * The columns a read of `fields` holds (all when absent): those and ROLLUP_BASE_FIELDS, in
 * ROLLUP_FIELDS' order (a cache keys runs by them).
 */
export function readFields(fields?: readonly RollupField[]): readonly RollupField[] {
  if (fields === undefined) return ROLLUP_FIELDS;
  return ROLLUP_FIELDS.filter((f) => ROLLUP_BASE_FIELDS.includes(f) || fields.includes(f));
}

/**
 * Whether every row of `cols` is whole and no partial sum of their samples, in any order, can
 * pass 2^53 (Σ count · max(|min|, |max|) ≤ 2^53): then sums of rows are the samples' sums.
 */
export function exactSums(
  length: number,
  cols: Pick<RollupColumns, "whole" | "count" | "min" | "max">,
): boolean {
  let bound = 0;
  for (let i = 0; i < length; i++) {
    if (!cols.whole[i]) return false;
    bound += cols.count[i] * Math.max(Math.abs(cols.min[i]), Math.abs(cols.max[i]));
  }
  return bound <= EXACT;
}

/** The empty array a column left out of a read holds. */
const NONE = new Float64Array(0);

/**
 * Empty columns for `n` rows: those of `fields` (all when absent); the others empty, so that
 * writes to them are dropped.
 */
export function rollupColumns(
  n: number,
  fields?: readonly RollupField[],
): { -readonly [K in keyof RollupColumns]: RollupColumns[K] } {
  const has = (f: RollupField) => fields === undefined || fields.includes(f);
  const out = { whole: new Uint8Array(has("whole") ? n : 0) } as {
    [k: string]: Float64Array | Uint8Array;
  };
  for (const f of ROLLUP_FLOATS) out[f] = has(f) ? new Float64Array(n) : NONE;
  return out as unknown as ReturnType<typeof rollupColumns>;
}

/** The bytes a row of `fields` holds in memory: its columns and running totals. */
export function rollupRowBytes(fields: readonly RollupField[] = ROLLUP_FIELDS): number {
  let n = 8; // countTotal
  for (const f of fields) n += f === "whole" ? 1 : 8;
  if (fields.includes("sum")) n += 8; // sumTotal
  return n;
}

/** The fields `rows` hold (a field is held when its column has a value per row). */
export function fieldsOf(rows: Omit<RollupRows, "labels">): RollupField[] {
  return ROLLUP_FIELDS.filter((f) => rows[f].length >= rows.length);
}

/** Where one file's rows sit among series' rows: rows [from[j], to[j]) of series j. */
export interface RowPlacement {
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** Placements of `files` files among `series` series, none of them with rows yet. */
export function rowPlacements(files: number, series: number): RowPlacement[] {
  return Array.from({ length: files }, () => ({
    from: new Int32Array(series),
    to: new Int32Array(series),
  }));
}

/**
 * The rows of `rows` whose window ends in `range`, as views sharing its arrays (running totals
 * included: a window's total is still the difference of two of them).
 */
export function sliceRows(rows: RollupRows, range: TimeRange): RollupRows {
  const lo = firstEndAtLeast(rows.ends, rows.length, range.start);
  const hi = firstEndAtLeast(rows.ends, rows.length, range.end + 1);
  if (lo === 0 && hi === rows.length) return rows;
  return {
    labels: rows.labels,
    length: hi - lo,
    ...columnsBetween(rows, lo, hi),
    countTotal: rows.countTotal.subarray(lo, hi + 1),
    sumTotal: rows.sumTotal.subarray(lo, hi + 1),
    exactTotals: rows.exactTotals,
  };
}

/** The first index whose end is ≥ `t` (ends ascending), or `n`. */
function firstEndAtLeast(ends: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
