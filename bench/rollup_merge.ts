/**
 * The merge a long-range query does on every series whose rollup cover ends before the range
 * does: the days of 1 h rollup rows, then the rows folded from the raw samples of the hours no
 * day file holds yet (today's, in a live aggregator), one `mergeRows` a series
 * (promql/engine/rollup/fetch.ts). A month of `--series` series (6,696: the counter of
 * bench/promql_rollups.ts) with `rate`'s columns, and a tail of `--tail` hours; the merge row by
 * row (`rowsTuning.concat` off, the reference) and a column at a time, alternately. Prints the
 * median of `--runs` for each.
 *
 *   bun bench/rollup_merge.ts [--series 6696] [--tail 6] [--runs 5]
 */
import { parseArgs } from "node:util";
import { ROW_FIELDS } from "../aggregator/promql/engine/rollup/kernels.ts";
import {
  mergeRows,
  type Rows,
  rowsFromSamples,
  rowsTuning,
} from "../aggregator/promql/engine/rollup/rows.ts";
import { readFields, rollupColumns, rollupRows } from "../aggregator/storage/rollup_rows.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: {
    series: { type: "string", default: "6696" },
    tail: { type: "string", default: "6" },
    runs: { type: "string", default: "5" },
  },
});
const SERIES = Number(flags.series);
const TAIL_HOURS = Number(flags.tail);
const RUNS = Number(flags.runs);
const HOUR = 3_600_000;
const DAYS = 30;

/** A month of hourly rows of `rate`'s columns, as the rollup reader gives them. */
function month(seed: number): Rows {
  const n = DAYS * 24;
  const cols = rollupColumns(n, readFields(ROW_FIELDS.rate));
  for (let i = 0; i < n; i++) {
    cols.ends[i] = (i + 1) * HOUR;
    cols.count[i] = 12;
    cols.firstAge[i] = HOUR - 7000;
    cols.first[i] = seed + i * 12;
    cols.last[i] = seed + i * 12 + 11;
    cols.lastAge[i] = 7000;
  }
  return rollupRows([], n, cols, Number.POSITIVE_INFINITY);
}

/** The tail's raw samples, every 5 minutes, folded into hourly rows. */
function tail(seed: number): Rows {
  const ts = Float64Array.from({ length: TAIL_HOURS * 12 }, (_, i) => {
    return DAYS * 24 * HOUR + (i + 1) * 300_000 - 7000;
  });
  return rowsFromSamples(
    ts,
    Float64Array.from(ts, (_, i) => seed + 1e4 + i),
    HOUR,
  );
}

const months = Array.from({ length: SERIES }, (_, s) => month(s));
const tails = Array.from({ length: SERIES }, (_, s) => tail(s));
const times: Record<string, number[]> = { row_by_row: [], by_column: [] };
for (let r = 0; r < RUNS; r++) {
  for (const concat of [false, true]) {
    rowsTuning.concat = concat;
    const began = performance.now();
    for (let s = 0; s < SERIES; s++) mergeRows(months[s], tails[s]);
    times[concat ? "by_column" : "row_by_row"].push(performance.now() - began);
  }
}
rowsTuning.concat = true;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
report("rollup_merge_series", SERIES, "count");
report("rollup_merge_rows_a_series", DAYS * 24 + TAIL_HOURS, "rows");
report("rollup_merge_row_by_row_ms", median(times.row_by_row), "ms");
report("rollup_merge_by_column_ms", median(times.by_column), "ms");
