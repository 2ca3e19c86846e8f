/**
 * Reads rollup files (schema 2, rollup.ts) back as rows per series (`RollupRows`), for the
 * engine's rollup reads, sorted by labels, with where each file's rows sit in them (so that a
 * cache can join a moved cover from rows it holds). Files are passed in hour order: a series'
 * rows come out ordered by (window end, file), so the two rows of a window on an hour keep their
 * time order. The series are listed first and filtered by the caller's matchers; then the chosen
 * series' rows come out of one query, sorted by (series, end, file), and each result chunk's
 * columns are copied whole into one array a column, of which every series' rows are views
 * (a month of a 6,696-series counter's 1 h rows, 4.8 M rows, in 2.1–2.3 s instead of 2.4–2.5 s
 * row by row). Only the columns asked for are read: DuckDB's decoding of them is most of the
 * time (docs/benchmarks.md, "Rollup reads").
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import {
  columnsBetween,
  INT_FIELDS,
  type RowPlacement,
  readFields,
  rollupColumns,
  rollupRows,
  rowPlacements,
} from "../rollup_rows.ts";
import type { RollupField, RollupRows, TimeRange } from "../storage.ts";
import { scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { labelsFromRow, sqlList } from "./schema.ts";

/** What to read: exact metric names (undefined = all), window ends in an inclusive range. */
export interface RollupReadOptions extends TimeRange {
  readonly metrics?: readonly string[];
  /** The columns to read besides `ROLLUP_BASE_FIELDS` (all when absent); the others empty. */
  readonly fields?: readonly RollupField[];
  /** Keeps only the series it accepts (all when absent). */
  readonly match?: (labels: Labels) => boolean;
}

/**
 * Rows per series, sorted by labels, and where each file's rows sit in them (by file index);
 * null where some file's rows of a series are not one stretch (files overlapping in time).
 */
export interface RollupRuns {
  readonly series: RollupRows[];
  readonly placements: RowPlacement[] | null;
}

/** The rollup rows of `paths` (in hour order) per series, sorted by labels. */
export async function readRollupFiles(
  paths: readonly string[],
  opts: RollupReadOptions,
): Promise<RollupRows[]> {
  return (await readRollupRuns(paths, opts)).series;
}

/** {@link readRollupFiles}, with where each file's rows sit in the series. */
export async function readRollupRuns(
  paths: readonly string[],
  opts: RollupReadOptions,
): Promise<RollupRuns> {
  if (paths.length === 0 || opts.metrics?.length === 0) return { series: [], placements: [] };
  return withConnection(async (conn) => {
    try {
      return await read(conn, paths, opts);
    } catch (err) {
      throw new Error(`Cannot read rollup files: ${(err as Error).message}`, { cause: err });
    }
  });
}

/** The rows of `paths` in range, with `f` the index of each row's file. */
function source(paths: readonly string[], opts: RollupReadOptions): string {
  const metric = opts.metrics ? `AND metric IN (${sqlList(opts.metrics).slice(1, -1)})` : "";
  const ms = (t: number) => String(Math.trunc(Math.max(-8.64e15, Math.min(8.64e15, t))));
  return `(SELECT *, file_index::INTEGER AS f FROM read_parquet(${sqlList(paths)})
    WHERE ts BETWEEN make_timestamp_ms(${ms(opts.start)}) AND make_timestamp_ms(${ms(opts.end)})
    ${metric})`;
}

/** The SQL of each column of rollup rows: INTEGER for those held in integers, else DOUBLE. */
const SQL: Readonly<Record<RollupField, string>> = {
  ends: "epoch_ms(ts)::DOUBLE",
  count: "count::DOUBLE",
  min: "min",
  max: "max",
  sum: "sum",
  firstAge: "(epoch_ms(ts) - epoch_ms(first_ts))::INTEGER",
  first: "first",
  lastAge: "(epoch_ms(ts) - epoch_ms(last_ts))::INTEGER",
  last: "last",
  resets: "resets::INTEGER",
  resetSum: "reset_sum",
  whole: "whole::INTEGER",
};

/**
 * A chosen series: its labels, the stretch of the read's rows that holds its rows, and their
 * `sumBound` when the read leaves out a column it is computed from.
 */
interface Chosen {
  readonly labels: Labels;
  readonly start: number;
  readonly rows: number;
  readonly bound: number;
}

/**
 * The SQL of a series' `sumBound` (storage.ts `RollupRows`) over its rows, where `fields` lack
 * one of the columns it is computed from (rollupRows() computes it from them otherwise): a
 * counter's `rate` holds 52 bytes a row without them and `sum_over_time` 36, and need only
 * this to know their sums exact.
 */
function boundSql(fields: readonly RollupField[]): string {
  if (fields.includes("whole") && fields.includes("min") && fields.includes("max")) return "0";
  return `CASE WHEN bool_and(whole) THEN sum(count * greatest(abs(min), abs(max)))::DOUBLE
    ELSE 'inf'::DOUBLE END`;
}

async function read(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: RollupReadOptions,
): Promise<RollupRuns> {
  const fields = readFields(opts.fields);
  await conn.run(`CREATE TEMP TABLE ser AS
    SELECT metric, labels, (row_number() OVER (ORDER BY metric, labels) - 1)::INTEGER AS i,
      n::DOUBLE AS n, bound
    FROM (SELECT metric, labels, count(*) AS n, ${boundSql(fields)} AS bound
      FROM ${source(paths, opts)} GROUP BY ALL)`);
  const listed = (
    await conn.runAndReadAll("SELECT metric, labels::VARCHAR, n, bound FROM ser ORDER BY i")
  ).getRowsJS();
  const chosen: Chosen[] = [];
  const indexes: number[] = [];
  let total = 0;
  listed.forEach(([m, json, n, bound], i) => {
    const labels = labelsFromRow(m as string, json as string);
    if (opts.match && !opts.match(labels)) return;
    chosen.push({ labels, start: total, rows: n as number, bound: bound as number });
    indexes.push(i);
    total += n as number;
  });
  if (chosen.length === 0) return { series: [], placements: [] };
  const only = chosen.length < listed.length ? `WHERE i IN (${indexes.join(", ")})` : "";
  // The chosen series' rows one after another, in listing order: each chunk copied whole.
  const cols = rollupColumns(total, fields);
  const files = new Int32Array(total);
  let at = 0;
  await scanChunks(
    conn,
    `SELECT f, ${fields.map((f) => SQL[f]).join(", ")}
     FROM ${source(paths, opts)} JOIN ser USING (metric, labels) ${only}
     ORDER BY i, ts, f`,
    (view) => {
      if (at + view.rows > total) throw new Error("more rows than the listing counted");
      files.set(view.i32(0), at);
      fields.forEach((f, c) => {
        cols[f].set(INT_FIELDS.has(f) ? view.i32(c + 1) : view.f64(c + 1), at);
      });
      at += view.rows;
    },
  );
  if (at !== total) throw new Error(`${at} rows where the listing counted ${total}`);
  return runsOf(chosen, cols, files, paths.length);
}

/** The chosen series as views of the read's columns, sorted by labels, with placements. */
function runsOf(
  chosen: readonly Chosen[],
  cols: ReturnType<typeof rollupColumns>,
  files: Int32Array,
  fileCount: number,
): RollupRuns {
  const sorted = [...chosen].sort((a, b) => compareLabels(a.labels, b.labels));
  const series = sorted.map((s) =>
    rollupRows(s.labels, s.rows, columnsBetween(cols, s.start, s.start + s.rows), s.bound),
  );
  const placements = rowPlacements(fileCount, sorted.length);
  let stretches = true;
  sorted.forEach((s, j) => {
    // Each file's rows one stretch, the files in order: else there are no placements.
    let last = -1;
    for (let r = s.start; r < s.start + s.rows; r++) {
      const f = files[r];
      placements[f].to[j] = r - s.start + 1;
      if (f === last) continue;
      if (f < last) stretches = false;
      else placements[f].from[j] = r - s.start;
      last = f;
    }
  });
  return { series, placements: stretches ? placements : null };
}
