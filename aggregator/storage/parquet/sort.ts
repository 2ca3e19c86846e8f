/**
 * Puts samples into file order in O(n) on typed arrays: grouped by series rank (counting
 * sort), ascending time within a series, and one row per (series, ts), the last one given.
 * Doing this here rather than in DuckDB halves the time of a write: for 2.4 M rows this takes
 * ~60 ms where DuckDB's ORDER BY (with the label strings as payload) took ~700 ms.
 */
import type { SampleRows } from "../storage.ts";
import type { SampleColumns } from "./chunks.ts";

/**
 * Sorts `rows` by (rank of its series, ts) and drops all but the last row of each
 * (rank, ts). The result's `seriesIndex` holds ranks. `rankOf[s]` is the 0-based rank of `rows.series[s]`; equal ranks are one series.
 */
export function sortRows(rows: SampleRows, rankOf: Int32Array, ranks: number): SampleColumns {
  const order = groupByRank(rows.seriesIndex, rows.length, rankOf, ranks);
  const ts = rows.timestamps;
  let kept = 0;
  for (let g = 0, start = 0; g < ranks; g++) {
    const end = order.starts[g + 1];
    const group = order.rows.subarray(start, end);
    if (!ascending(group, ts)) group.sort((a, b) => ts[a] - ts[b] || a - b);
    for (let k = 0; k < group.length; k++) {
      // Equal timestamps are in input order: the last one wins.
      if (k + 1 < group.length && ts[group[k + 1]] === ts[group[k]]) continue;
      order.rows[kept] = group[k];
      order.rank[kept++] = g;
    }
    start = end;
  }
  return gather(rows, order.rows.subarray(0, kept), order.rank.subarray(0, kept));
}

/** Counting sort of row indices by rank, stable (rows of a rank stay in input order). */
function groupByRank(seriesIndex: Int32Array, n: number, rankOf: Int32Array, ranks: number) {
  const starts = new Int32Array(ranks + 1);
  for (let i = 0; i < n; i++) starts[rankOf[seriesIndex[i]] + 1]++;
  for (let g = 0; g < ranks; g++) starts[g + 1] += starts[g];
  const next = starts.slice(0, ranks);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[next[rankOf[seriesIndex[i]]]++] = i;
  return { rows, starts, rank: new Int32Array(n) };
}

function ascending(group: Int32Array, ts: Float64Array): boolean {
  for (let k = 1; k < group.length; k++) if (ts[group[k]] < ts[group[k - 1]]) return false;
  return true;
}

/** Copies the chosen rows into new columns; values move as 32-bit words to keep stale bits. */
function gather(rows: SampleRows, pick: Int32Array, rank: Int32Array): SampleColumns {
  const m = pick.length;
  const timestamps = new Float64Array(m);
  const values = new Float64Array(m);
  const valueWords = new Uint32Array(values.buffer);
  const src = rows.valueWords;
  for (let k = 0; k < m; k++) {
    const i = pick[k];
    timestamps[k] = rows.timestamps[i];
    valueWords[2 * k] = src[2 * i];
    valueWords[2 * k + 1] = src[2 * i + 1];
  }
  return { length: m, seriesIndex: rank, timestamps, values, valueWords };
}
