/**
 * The range functions over rollup rows: one window is the rows [a, b) of one series, whose
 * samples are exactly those of the window (start, end] when the window is aligned to the rows
 * (plan.ts). Each kernel computes what the sample kernel (functions/) computes over the same
 * samples, rounding alike; `exactRows` says for which rows that holds for every window.
 */
import { exactSums } from "../../../storage/rollup_rows.ts";
import type { RollupField } from "../../../storage/storage.ts";
import { extrapolate } from "../../functions/range_rate.ts";
import type { Rows } from "./rows.ts";

/** One window over a series' rows. */
export interface RowWindow {
  rows: Rows;
  /** First row inside the window. */
  a: number;
  /** One past the last row inside. */
  b: number;
  /** Exclusive window start, ms. */
  start: number;
  /** Inclusive window end, ms. */
  end: number;
}

/** A kernel over rows: the step's value, or null for "no output". */
export type RowKernel = (w: RowWindow) => number | null;

/** Counts are whole numbers far below 2^53: their running total subtracts exactly. */
function count(w: RowWindow): number {
  return w.rows.countTotal[w.b] - w.rows.countTotal[w.a];
}

/** PromQL's max/min fold over the rows' own folds: the same answer as over every sample. */
function extreme(values: Float64Array, w: RowWindow, max: boolean): number {
  let best = values[w.a];
  for (let i = w.a + 1; i < w.b; i++) {
    const v = values[i];
    if ((max ? v > best : v < best) || Number.isNaN(best)) best = v;
  }
  return best;
}

/** Added back at resets: drops inside rows, then drops between one row and the next. */
function resetTotal(w: RowWindow): { resets: number; added: number } {
  const r = w.rows;
  let resets = 0;
  let added = 0;
  for (let i = w.a; i < w.b; i++) {
    resets += r.resets[i];
    added += r.resetSum[i];
    if (i > w.a && r.first[i] < r.last[i - 1]) {
      resets++;
      added += r.last[i - 1];
    }
  }
  return { resets, added };
}

function change(w: RowWindow, isRate: boolean): number | null {
  const r = w.rows;
  const n = count(w);
  if (n < 2) return null;
  const last = w.b - 1;
  let result = r.last[last] - r.first[w.a];
  // Exact rows (exactRows) make the order of these additions irrelevant: no resets, or whole
  // numbers whose sums stay exact.
  const { resets, added } = resetTotal(w);
  if (resets > 0) result += added;
  return extrapolate(
    result,
    r.ends[w.a] - r.firstAge[w.a],
    r.first[w.a],
    r.ends[last] - r.lastAge[last],
    n,
    w.start,
    w.end,
    true,
    isRate,
  );
}

/**
 * The rows' sums added in order; with exact running totals (rollup_rows.ts) every partial sum
 * is an exact integer, so the difference of two totals is that same number (and +0 for an
 * empty sum, as the loop's 0 + … gives).
 */
function sum(w: RowWindow): number {
  const r = w.rows;
  if (r.exactTotals) return r.sumTotal[w.b] - r.sumTotal[w.a];
  let total = 0;
  for (let i = w.a; i < w.b; i++) total += r.sum[i];
  return total;
}

/** Kernels by PromQL function; a window with no rows never reaches them. */
export const ROW_KERNELS: Readonly<Record<string, RowKernel>> = {
  count_over_time: count,
  present_over_time: () => 1,
  last_over_time: (w) => w.rows.last[w.b - 1],
  max_over_time: (w) => extreme(w.rows.max, w, true),
  min_over_time: (w) => extreme(w.rows.min, w, false),
  sum_over_time: sum,
  resets: (w) => resetTotal(w).resets,
  increase: (w) => change(w, false),
  rate: (w) => change(w, true),
  // Only at a resolution the user chose (QueryOptions.resolution): an average of sums rounds
  // differently from Prometheus's running mean.
  avg_over_time: (w) => sum(w) / count(w),
};

/**
 * Besides ROLLUP_BASE_FIELDS: what counters' kernels and sums read. Not `whole`, `min` and
 * `max` (17 bytes a row), which `exactRows` needs only as their bound (`sumBound`, which the
 * reader totals per series without them): so a month of 1 h rows for `rate` (52 bytes) or
 * `sum_over_time` (36) holds fewer bytes than the samples of a 5-minute scrape and `auto`
 * reads them (rollup_cover.ts).
 */
const COUNTER_FIELDS: readonly RollupField[] = ["first", "last", "lastAge", "resets", "resetSum"];
const SUM_FIELDS: readonly RollupField[] = ["sum"];

/**
 * The fields of rows each kernel reads besides ROLLUP_BASE_FIELDS (window ends, counts, first
 * ages), `exactRows` included: a read loads only these (storage.ts `Querier.rollups`).
 */
export const ROW_FIELDS: Readonly<Record<string, readonly RollupField[]>> = {
  count_over_time: [],
  present_over_time: [],
  last_over_time: ["last"],
  max_over_time: ["max"],
  min_over_time: ["min"],
  sum_over_time: SUM_FIELDS,
  avg_over_time: SUM_FIELDS,
  resets: COUNTER_FIELDS,
  increase: COUNTER_FIELDS,
  rate: COUNTER_FIELDS,
};

/** Functions whose rollup answers may differ from the samples' (only at a chosen resolution). */
export const APPROXIMATE = new Set(["avg_over_time"]);

/**
 * True when every window of `rangeMs` over `rows` gets exactly the sample kernel's answer from
 * `fn`'s row kernel. Sums are exact when every value is a whole number and no partial sum can
 * pass 2^53; rate and increase add back values at resets, exact without resets, with one reset
 * a window, or with such numbers.
 */
export function exactRows(fn: string, rows: Rows, rangeMs = Number.POSITIVE_INFINITY): boolean {
  if (APPROXIMATE.has(fn)) return false;
  if (fn !== "sum_over_time" && fn !== "rate" && fn !== "increase") return true;
  // Exact totals (rollup_rows.ts) bound the whole run these rows are a slice of.
  if (rows.exactTotals) return true;
  if (fn !== "sum_over_time" && resetsApart(rows, rangeMs)) return true;
  return exactSums(rows);
}

/**
 * Whether no window of `rangeMs` holds two resets. With at most one, the row kernel adds the
 * one value dropped from to (last − first), as the sample kernel does (0 plus that value is
 * that value), so a fractional counter that restarts now and then gives the same bits. A drop
 * between two rows counts at the later (a window holds it only with both rows); two drops in
 * one row never pass.
 */
function resetsApart(rows: Rows, rangeMs: number): boolean {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    let n = rows.resets[i];
    if (i > 0 && rows.first[i] < rows.last[i - 1]) n++;
    if (n === 0) continue;
    // Rows whose ends are less than a range apart share a window (start, end].
    if (n > 1 || rows.ends[i] - previous < rangeMs) return false;
    previous = rows.ends[i];
  }
  return true;
}
