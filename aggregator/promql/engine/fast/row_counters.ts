/**
 * `rate` and `increase` over rollup rows in one loop a series: the window walk of windows.ts
 * over the rows' ends and the row kernel of rollup/kernels.ts (`change`) written out together,
 * without a window object, a kernel call or an adapter a window. A month of a 6,696-series
 * counter's 1 h rows at a 1 h step is 4.8 M windows: through the kernels 247–345 ms, in this
 * loop 74–90 ms (docs/benchmarks.md). The reference is that kernel path (rollup/stream.ts,
 * taken in the reference mode); row_counters.test.ts (the loop against the kernels over the
 * same walk) and the rollup differential test (whole queries, fast and reference engines
 * against raw samples) hold the two alike bit for bit.
 */
import { extrapolate } from "../../functions/range_rate.ts";
import type { Rows } from "../rollup/rows.ts";

/**
 * Fills `values` and `present` with the counter function of `rows` over the windows
 * (end − range, end] of each of `ends`; returns the windows with a value and the rows the
 * windows touched together (what the walk counts against the query's limit).
 */
export function counterRows(
  rows: Rows,
  ends: Float64Array,
  range: number,
  isRate: boolean,
  values: Float64Array,
  present: Uint8Array,
): { count: number; touched: number } {
  const { ends: at, countTotal, first, last, firstAge, lastAge, resets, resetSum } = rows;
  const len = rows.length;
  let lo = 0;
  let hi = 0;
  let count = 0;
  let touched = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const start = end - range;
    while (hi < len && at[hi] <= end) hi++;
    while (lo < hi && at[lo] <= start) lo++;
    present[i] = 0;
    if (hi === lo) continue;
    touched += hi - lo;
    const n = countTotal[hi] - countTotal[lo];
    if (n < 2) continue;
    const b = hi - 1;
    let result = last[b] - first[lo];
    // resetTotal() of kernels.ts, its additions in the same order.
    let dropped = 0;
    let added = 0;
    for (let r = lo; r < hi; r++) {
      dropped += resets[r];
      added += resetSum[r];
      if (r > lo && first[r] < last[r - 1]) {
        dropped++;
        added += last[r - 1];
      }
    }
    if (dropped > 0) result += added;
    values[i] = extrapolate(
      result,
      at[lo] - firstAge[lo],
      first[lo],
      at[b] - lastAge[b],
      n,
      start,
      end,
      true,
      isRate,
    );
    present[i] = 1;
    count++;
  }
  return { count, touched };
}
