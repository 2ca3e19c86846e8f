/**
 * The one shape of rollup rows every consumer holds (`RollupRows`, storage.ts): the reader of
 * rollup files, the cache of joined runs, and the engine's rows folded from raw samples are
 * all built by `rollupRows()`, which adds the running totals of counts and sums, so that a
 * window's count or (exact) sum is one subtraction instead of a loop over its rows.
 */
import type { Labels } from "../../shared/model/labels.ts";
import { ROLLUP_FLOATS, type RollupRows, type TimeRange } from "./storage.ts";

/** The stored columns of rows, without labels and running totals. */
export type RollupColumns = { readonly [K in (typeof ROLLUP_FLOATS)[number]]: Float64Array } & {
  readonly whole: Uint8Array;
};

/** 2^53: integers up to it are exact doubles, and so are their sums while they stay below. */
const EXACT = 2 ** 53;

/**
 * Rows of `length` from `cols` (arrays at least that long), with running totals. Sums are
 * totalled exactly only when every row is whole and no partial sum can pass 2^53; otherwise
 * `exactTotals` is false and a window's sum must be added row by row, as the sample kernel does.
 */
export function rollupRows(labels: Labels, length: number, cols: RollupColumns): RollupRows {
  const countTotal = new Float64Array(length + 1);
  const sumTotal = new Float64Array(length + 1);
  let exact = true;
  let bound = 0;
  for (let i = 0; i < length; i++) {
    countTotal[i + 1] = countTotal[i] + cols.count[i];
    sumTotal[i + 1] = sumTotal[i] + cols.sum[i];
    bound += cols.count[i] * Math.max(Math.abs(cols.min[i]), Math.abs(cols.max[i]));
    if (!cols.whole[i]) exact = false;
  }
  const out: Record<string, unknown> = { labels, length, whole: cols.whole.subarray(0, length) };
  for (const f of ROLLUP_FLOATS) out[f] = cols[f].subarray(0, length);
  return {
    ...(out as Omit<RollupRows, "countTotal" | "sumTotal" | "exactTotals">),
    countTotal,
    sumTotal,
    exactTotals: exact && bound <= EXACT,
  };
}

/** Where one file's rows sit among series' rows: rows [from[j], to[j]) of series j. */
export interface RowPlacement {
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** Empty columns for `n` rows. */
export function rollupColumns(n: number): {
  -readonly [K in keyof RollupColumns]: RollupColumns[K];
} {
  const out = { whole: new Uint8Array(n) } as { [k: string]: Float64Array | Uint8Array };
  for (const f of ROLLUP_FLOATS) out[f] = new Float64Array(n);
  return out as unknown as ReturnType<typeof rollupColumns>;
}

/**
 * The rows of `rows` whose window ends in `range`, as views sharing its arrays (running totals
 * included: a window's total is still the difference of two of them).
 */
export function sliceRows(rows: RollupRows, range: TimeRange): RollupRows {
  const lo = firstEndAtLeast(rows.ends, rows.length, range.start);
  const hi = firstEndAtLeast(rows.ends, rows.length, range.end + 1);
  if (lo === 0 && hi === rows.length) return rows;
  const out: Record<string, unknown> = {
    labels: rows.labels,
    length: hi - lo,
    whole: rows.whole.subarray(lo, hi),
    countTotal: rows.countTotal.subarray(lo, hi + 1),
    sumTotal: rows.sumTotal.subarray(lo, hi + 1),
    exactTotals: rows.exactTotals,
  };
  for (const f of ROLLUP_FLOATS) out[f] = rows[f].subarray(lo, hi);
  return out as unknown as RollupRows;
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
