/**
 * Rollups (schema `metrics-rollup/2`): per series and window (ts − step, ts], left-open as
 * PromQL's range windows are, what the *_over_time functions and rate/increase need, so that
 * a long range reads one row per window instead of every sample. A query window (t − r, t]
 * whose t and r are multiples of the step is then exactly the union of whole rollup windows
 * (docs/promql.md, "Rollups"). Columns (docs/storage.md):
 *
 *   metric, labels      as in raw files (the same filters work)
 *   ts                  window end (TIMESTAMP)
 *   count               samples in the window (BIGINT)
 *   min, max            as PromQL's min/max_over_time fold them: NaN only when every value is,
 *                       of equal values (0 and −0) the first
 *   sum                 of the values
 *   whole               every value an integer of magnitude ≤ 2^53 (then sums are exact)
 *   first_ts, first     the window's first sample; last_ts, last its last one
 *   resets, reset_sum   drops between consecutive samples inside the window, and the sum of
 *                       the values dropped from (what rate adds back)
 *   increase            counter increase, reset-aware, including the step from the previous
 *                       window's last sample (the hour's first sample contributes 0)
 *
 * Staleness markers are left out of everything; a window of only markers has no row. The
 * footer lists each series' run of rows (rollup_index.ts). The
 * windows are cut on absolute multiples of the step, so the window ending on the hour holds
 * the hour's first sample if it falls exactly on the hour: that window then has a row in
 * both hours' files, each with its own samples, in time order.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { withConnection } from "./db.ts";
import { mergedSource } from "./inputs.ts";
import { indexEntries, indexMatches } from "./rollup_index.ts";
import { COMPACT_LEVEL, copyOptions, type FileStats, sqlList, sqlString } from "./schema.ts";
import { fileStats } from "./stats.ts";

/** The rollup schema version written now; older rollup files are rewritten by the compactor. */
export const ROLLUP_SCHEMA = 2;

/** Summary of a rollup file: `minTime`/`maxTime` are window ends. */
export interface RollupStats extends FileStats {
  /** Window length in ms. */
  readonly stepMs: number;
}

/**
 * Writes the `stepMs` rollup of the raw files `inputs` (one hour; a day's hours for 1 h) to
 * `output` at zstd `level`.
 */
export function writeRollupFile(
  inputs: readonly string[],
  output: string,
  stepMs: 60_000 | 300_000 | 3_600_000,
  level = COMPACT_LEVEL,
): Promise<RollupStats> {
  return copyRollup(inputs, output, stepMs, level, async (conn) => {
    const { sql: source } = await mergedSource(conn, inputs);
    return rollupSql(source, stepMs);
  });
}

/**
 * Writes the rows that `rowsSql` makes for `inputs` (sorted by metric, labels and time) to
 * `output` with their series index (rollup_index.ts) and returns the rollup's stats. The rows
 * are held in a table first, so that the index lists them where the COPY puts them (a table's
 * rows are copied in their order: DuckDB's `preserve_insertion_order`).
 */
function copyRollup(
  inputs: readonly string[],
  output: string,
  stepMs: number,
  level: number,
  rowsSql: (conn: DuckDBConnection) => Promise<string>,
): Promise<RollupStats> {
  return withConnection(async (conn) => {
    try {
      if (inputs.length === 0) throw new Error("no input files");
      await conn.run(`CREATE TEMP TABLE rollup_rows AS ${await rowsSql(conn)}`);
      // Rollup files have no dictionaries, so a −0 stays −0 (schema.ts `copyOptions`).
      const copy = (index: string) =>
        conn.run(`COPY (SELECT * FROM rollup_rows) TO ${sqlString(output)}
          (${copyOptions(level, "rollup", false, undefined, index)})`);
      const index = await indexEntries(conn, "rollup_rows");
      await copy(index);
      // Never seen; an index that does not match would name the wrong series' rows.
      if (index && !(await indexMatches(conn, "rollup_rows", output))) await copy("");
      return { ...(await fileStats(conn, output)), stepMs };
    } catch (err) {
      throw new Error(`Cannot write rollup ${output}: ${(err as Error).message}`, { cause: err });
    }
  });
}

/**
 * Writes a day's 1 h rollup from its hours' 5 m rollups (`inputs`, one file an hour, in hour
 * order): the rows a 1 h rollup of the day's raw files gives, read from 12× fewer rows (240×
 * at a 15 s scrape) than the samples (docs/storage.md). Each 1 h row folds the 5 m rows of its
 * window; what the 5 m rows leave out is added back: drops between consecutive rows of the
 * window (to `resets` and `reset_sum`), and the step into each hour's first sample (to
 * `increase`; an hour's rollup counts none). `sum` adds the rows' sums, which is the samples'
 * sum only where every value is whole (`whole`), the only sums the engine reads (kernels.ts).
 */
export function writeDayRollupFile(
  inputs: readonly string[],
  output: string,
  level = COMPACT_LEVEL,
): Promise<RollupStats> {
  return copyRollup(inputs, output, HOUR, level, async () => dayFromFiveMinuteSql(inputs));
}

const HOUR = 3_600_000;

function dayFromFiveMinuteSql(inputs: readonly string[]): string {
  const drop = "NOT isnan(first) AND NOT isnan(prev_last) AND first < prev_last";
  const extreme = (fn: "min" | "max") => {
    const m = `${fn}(${fn}) FILTER (WHERE NOT isnan(${fn}))`;
    // Of rows whose extreme is a zero, the earliest holds the first zero sample.
    return `CASE WHEN ${m} IS NULL THEN 'NaN'::DOUBLE
      WHEN ${m} = 0 THEN arg_min(${fn}, first_ts) FILTER (WHERE ${fn} = 0) ELSE ${m} END`;
  };
  return `
    WITH rows AS (
      SELECT *, file_index AS f, (epoch_ms(ts) + ${HOUR - 1}) // ${HOUR} * ${HOUR} AS w
      FROM read_parquet(${sqlList(inputs)})
    ),
    ordered AS (
      SELECT *, lag(last) OVER s AS prev_last, lag(w) OVER s AS prev_w, lag(f) OVER s AS prev_f
      FROM rows WINDOW s AS (PARTITION BY metric, labels ORDER BY first_ts)
    )
    SELECT metric, labels, make_timestamp_ms(w) AS ts, sum(count)::BIGINT AS count,
      ${extreme("min")} AS min, ${extreme("max")} AS max, sum(sum) AS sum,
      bool_and(whole) AS whole,
      min(first_ts) AS first_ts, arg_min(first, first_ts) AS first,
      max(last_ts) AS last_ts, arg_max(last, last_ts) AS last,
      (sum(resets) + count(*) FILTER (WHERE prev_w = w AND ${drop}))::BIGINT AS resets,
      sum(reset_sum) + coalesce(sum(prev_last) FILTER (WHERE prev_w = w AND ${drop}), 0) AS reset_sum,
      sum(increase) + coalesce(sum(CASE WHEN prev_f IS NULL OR prev_f = f THEN NULL
        WHEN ${drop} THEN first ELSE first - prev_last END), 0) AS increase
    FROM ordered
    GROUP BY metric, labels, w
    ORDER BY metric, labels, w`;
}

/** 2^53: integers up to it are exact doubles, and so are their sums while they stay below. */
const EXACT = 9007199254740992;

// DuckDB orders NaN above every number (`x < NaN` is true), Go does not: every comparison
// that decides a reset or an extreme leaves NaN out explicitly, as PromQL's kernels do.
function rollupSql(source: string, step: number): string {
  const drop = "NOT isnan(value) AND NOT isnan(prev) AND value < prev";
  return `
    WITH live AS (
      SELECT metric, labels, ts, value,
        lag(value) OVER (PARTITION BY metric, labels ORDER BY ts) AS prev,
        (epoch_ms(ts) + ${step - 1}) // ${step} * ${step} AS w
      FROM ${source} WHERE value IS NOT NULL
    ),
    marked AS (
      SELECT *, lag(w) OVER (PARTITION BY metric, labels ORDER BY ts) = w AS same FROM live
    )
    SELECT metric, labels, make_timestamp_ms(w) AS ts, count(*) AS count,
      ${extreme("min")} AS min, ${extreme("max")} AS max, sum(value) AS sum,
      bool_and(isfinite(value) AND value = trunc(value) AND abs(value) <= ${EXACT}) AS whole,
      min(ts) AS first_ts, arg_min(value, ts) AS first,
      max(ts) AS last_ts, arg_max(value, ts) AS last,
      count(*) FILTER (WHERE same AND ${drop}) AS resets,
      coalesce(sum(prev) FILTER (WHERE same AND ${drop}), 0) AS reset_sum,
      sum(CASE WHEN prev IS NULL THEN 0 WHEN ${drop} THEN value ELSE value - prev END) AS increase
    FROM marked
    GROUP BY metric, labels, w
    ORDER BY metric, labels, w`;
}

/** PromQL's fold: NaNs only lose to numbers; of equal extremes (0, −0) the first in time wins. */
function extreme(fn: "min" | "max"): string {
  const m = `${fn}(value) FILTER (WHERE NOT isnan(value))`;
  return `CASE WHEN ${m} IS NULL THEN 'NaN'::DOUBLE
    WHEN ${m} = 0 THEN arg_min(value, ts) FILTER (WHERE value = 0) ELSE ${m} END`;
}
