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
  type RollupColumns,
  type RollupField,
  type RollupRows,
  type TimeRange,
} from "./storage.ts";

/** The array each column is held in (storage.ts `RollupColumns`). */
const ARRAYS = {
  ends: Float64Array,
  count: Float64Array,
  min: Float64Array,
  max: Float64Array,
  sum: Float64Array,
  whole: Uint8Array,
  firstAge: Int32Array,
  first: Float64Array,
  lastAge: Int32Array,
  last: Float64Array,
  resets: Int32Array,
  resetSum: Float64Array,
} as const satisfies Record<RollupField, unknown>;

/** The kind of array field `f` is held in. */
export function fieldArray(f: RollupField): (typeof ARRAYS)[RollupField] {
  return ARRAYS[f];
}

/** The columns held in 32-bit integers (a reader asks its database for INTEGER there). */
export const INT_FIELDS: ReadonlySet<RollupField> = new Set(
  ROLLUP_FIELDS.filter((f) => ARRAYS[f] === Int32Array || ARRAYS[f] === Uint8Array),
);

/** The columns rows hold as they are (`count` is held as its running total instead). */
export const HELD_FIELDS = ROLLUP_FIELDS.filter((f) => f !== "count");

/** Columns any of whose arrays may be written (those left out are empty: writes are dropped). */
export type WritableColumns = { -readonly [K in keyof RollupColumns]: RollupColumns[K] };

/** 2^53: integers below it are exact doubles, and so are their sums while they stay below. */
const EXACT = 2 ** 53;

/**
 * Rows of `length` from `cols` (arrays at least that long, or empty where a read left the
 * column out), with running totals (`countTotal`: that of `cols.count`, when the caller has
 * it already). Sums are totalled exactly only when every row is whole
 * and no partial sum can pass 2^53 (`sumBound`, from `whole`, `min` and `max` where `cols`
 * hold them, else `bound`); otherwise `exactTotals` is false and a window's sum must be added
 * row by row, as the sample kernel does. Without `sum`, `sumTotal` is empty. The rows share
 * `cols`' arrays, except `count`, which only its running total keeps.
 */
export function rollupRows(
  labels: Labels,
  length: number,
  cols: RollupColumns,
  bound = Number.POSITIVE_INFINITY,
  countTotal = runningTotal(cols.count, length),
): RollupRows {
  const held = (a: ArrayLike<number>) => a.length >= length;
  let sumTotal: Float64Array = NONE.f64;
  if (held(cols.sum)) {
    sumTotal = runningTotal(cols.sum, length);
  }
  const sumBound =
    held(cols.whole) && held(cols.min) && held(cols.max) ? boundOf(length, cols) : bound;
  const exactTotals = held(cols.sum) && exactSums({ sumBound });
  return {
    labels,
    length,
    ...heldBetween(cols, 0, length),
    countTotal,
    sumTotal,
    sumBound,
    exactTotals,
  };
}

/** The running totals of the first `length` of `values`, from 0 (`length` + 1 of them). */
export function runningTotal(values: ArrayLike<number>, length: number): Float64Array {
  const total = new Float64Array(length + 1);
  for (let i = 0; i < length; i++) total[i + 1] = total[i] + values[i];
  return total;
}

/** Σ count · max(|min|, |max|) over the rows, or +Infinity when one of them is not whole. */
function boundOf(length: number, cols: RollupColumns): number {
  let bound = 0;
  for (let i = 0; i < length; i++) {
    if (!cols.whole[i]) return Number.POSITIVE_INFINITY;
    bound += cols.count[i] * Math.max(Math.abs(cols.min[i]), Math.abs(cols.max[i]));
  }
  return bound;
}

/** Rows [lo, hi) of the held columns of `cols`, as views sharing their arrays. */
function heldBetween(
  cols: Omit<RollupColumns, "count">,
  lo: number,
  hi: number,
): Omit<RollupColumns, "count"> {
  // One object literal (one shape for the JIT), and a column left out of the read stays the
  // same empty array: a month's 6,696 series of `rate`'s columns sliced in 10–11 ms, against
  // 14–22 ms as a loop over the fields.
  const f64 = (a: Float64Array) => (a.length === 0 ? a : a.subarray(lo, hi));
  const i32 = (a: Int32Array) => (a.length === 0 ? a : a.subarray(lo, hi));
  return {
    ends: f64(cols.ends),
    min: f64(cols.min),
    max: f64(cols.max),
    sum: f64(cols.sum),
    whole: cols.whole.length === 0 ? cols.whole : cols.whole.subarray(lo, hi),
    firstAge: i32(cols.firstAge),
    first: f64(cols.first),
    lastAge: i32(cols.lastAge),
    last: f64(cols.last),
    resets: i32(cols.resets),
    resetSum: f64(cols.resetSum),
  };
}

/** Rows [lo, hi) of `cols`, as views sharing their arrays (an empty column stays empty). */
export function columnsBetween(cols: RollupColumns, lo: number, hi: number): RollupColumns {
  return { ...heldBetween(cols, lo, hi), count: cols.count.subarray(lo, hi) };
}

/** The samples of row `i`. */
export function rowCount(rows: Pick<RollupRows, "countTotal">, i: number): number {
  return rows.countTotal[i + 1] - rows.countTotal[i];
}

/**
 * Copies rows [lo, hi) of `fields` of `from` to `to` from row `at` on (`count` from its
 * running total). Element loops: parts are a few rows each, where views cost more than this.
 */
export function copyRows(
  to: WritableColumns,
  at: number,
  from: Omit<RollupRows, "labels">,
  lo: number,
  hi: number,
  fields: readonly RollupField[],
): void {
  for (const f of fields) {
    if (f === "count") {
      const t = from.countTotal;
      for (let i = lo, j = at; i < hi; i++, j++) to.count[j] = t[i + 1] - t[i];
      continue;
    }
    const src = from[f];
    const dst = to[f];
    for (let i = lo, j = at; i < hi; i++, j++) dst[j] = src[i];
  }
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
 * Whether every row is whole and no partial sum of their samples, in any order, can reach 2^53
 * (`sumBound` < 2^53, strictly: a bound added up in doubles rounds, and one just past 2^53 can
 * come out as 2^53 itself): then sums of rows are the samples' sums.
 */
export function exactSums(rows: Pick<RollupRows, "sumBound">): boolean {
  return rows.sumBound < EXACT;
}

/** The empty arrays a column left out of a read holds. */
const NONE = { f64: new Float64Array(0), i32: new Int32Array(0), u8: new Uint8Array(0) };

/**
 * Empty columns for `n` rows: those of `fields` (all when absent); the others empty, so that
 * writes to them are dropped.
 */
export function rollupColumns(n: number, fields?: readonly RollupField[]): WritableColumns {
  const out: Record<string, unknown> = {};
  for (const f of ROLLUP_FIELDS) {
    const Kind = ARRAYS[f];
    if (fields === undefined || fields.includes(f)) out[f] = new Kind(n);
    else out[f] = Kind === Int32Array ? NONE.i32 : Kind === Uint8Array ? NONE.u8 : NONE.f64;
  }
  return out as WritableColumns;
}

/**
 * The bytes a row of `fields` holds in memory: its columns, `count` as its running total, and
 * `sum`'s running total. A counter's row for `rate` is 52 bytes; each of its samples in the
 * query cache about 4.3 (rollup_cover.ts).
 */
export function rollupRowBytes(fields: readonly RollupField[] = ROLLUP_FIELDS): number {
  let n = 0;
  for (const f of fields) n += ARRAYS[f].BYTES_PER_ELEMENT;
  if (fields.includes("sum")) n += 8; // sumTotal
  return n;
}

/** The fields `rows` hold (a field is held when its column has a value per row). */
export function fieldsOf(rows: Omit<RollupRows, "labels">): RollupField[] {
  return commonFields([rows]);
}

/** The fields every one of `sets` of rows holds (those a merge or a join of them can keep). */
export function commonFields(sets: readonly Omit<RollupRows, "labels">[]): RollupField[] {
  return ROLLUP_FIELDS.filter(
    (f) => f === "count" || sets.every((rows) => rows[f].length >= rows.length),
  );
}

/**
 * Where one file's rows sit among series' rows: rows [from[j], to[j]) of series j, and the
 * `sumBound` of those rows alone (so that a run joined from parts of others is bounded by its
 * own rows, not by the whole of every run it took parts of).
 */
export interface RowPlacement {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly bound: Float64Array;
}

/** Placements of `files` files among `series` series, none of them with rows yet. */
export function rowPlacements(files: number, series: number): RowPlacement[] {
  return Array.from({ length: files }, () => ({
    from: new Int32Array(series),
    to: new Int32Array(series),
    bound: new Float64Array(series),
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
    ...heldBetween(rows, lo, hi),
    countTotal: rows.countTotal.subarray(lo, hi + 1),
    sumTotal: rows.sumTotal.subarray(lo, hi + 1),
    sumBound: rows.sumBound,
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
