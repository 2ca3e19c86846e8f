/**
 * Reads rollup files (schema 2, rollup.ts) back as rows per series (`RollupRows`), for the
 * engine's rollup reads, sorted by labels, with where each file's rows sit in them (so that a
 * cache can join a moved cover from rows it holds). Files are passed in hour order: a series'
 * rows come out ordered by (window end, file), so the two rows of a window on an hour keep their
 * time order. The series are listed first (with each file's run of each series' rows, from the
 * files' series indexes where they serve, rollup_index.ts) and filtered by the caller's
 * matchers. Listed from the indexes, the chosen series are read in the files' own order
 * (rollup_file_order.ts), and so is every series of a metric listed from the rows (the
 * reference); the reference's subset, or files that order does not serve, come out of one
 * query sorted by (series, end, file), each result chunk's columns copied whole into one array
 * a column. Every series' rows are views of those arrays. Only the columns asked for are read:
 * DuckDB's decoding of them is most of the time (docs/benchmarks.md, "Rollup reads").
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import { eachWithTurns } from "../../../shared/runtime/turns.ts";
import { CommonColumn, type CommonValues } from "../common_column.ts";
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
import { type StartedScan, scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { listRuns, type Runs, readInFileOrder, startFileOrderScan } from "./rollup_file_order.ts";
import { SUM_BOUND_SQL } from "./rollup_index.ts";
import { type Listed, listFromIndexes } from "./rollup_listing.ts";
import { labelsFromRow, sqlList } from "./schema.ts";

/**
 * Speed only, for tests: `fileOrder` reads every series of a metric in the files' own order
 * (rollup_file_order.ts) instead of sorted by DuckDB, the reference, which reads a subset of
 * series and any files the other way cannot; rollup_file_order.test.ts holds the two alike.
 * `index` lists the runs of such a read from the files' series indexes (rollup_index.ts,
 * rollup_listing.ts) instead of from their rows in DuckDB, the reference; rollup_index.test.ts
 * holds the two alike. `common` keeps the columns that series of a read in the files' order
 * hold alike (window ends, counts, sample ages, resets) once per pattern (common_column.ts)
 * instead of a series at a time; rollup_file_order.test.ts holds the two alike.
 */
export const rollupReaderTuning = { fileOrder: true, index: true, common: true };

/** Reads taken in the files' order, and sorted; files of reads listed from their index (tests). */
export const rollupReaderStats = {
  fileOrder: 0,
  sorted: 0,
  indexedFiles: 0,
};

/** By field: series of reads in the files' order whose rows were a common pattern's (tests). */
export const rollupCommonStats = new Map<RollupField, number>();

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

/**
 * The rows of `paths` in range, with `f` the index of each row's file among all the read's
 * files (the first of `paths` is file `first`, or the files are those of `first`) and `row` its
 * row in the file.
 */
function source(
  paths: readonly string[],
  opts: RollupReadOptions,
  first: number | readonly number[] = 0,
): string {
  const metric = opts.metrics ? `AND metric IN (${sqlList(opts.metrics).slice(1, -1)})` : "";
  const ms = (t: number) => String(Math.trunc(Math.max(-8.64e15, Math.min(8.64e15, t))));
  const f =
    typeof first === "number"
      ? `file_index + ${first}`
      : `[${first.join(", ")}][file_index::BIGINT + 1]`;
  return `(SELECT *, (${f})::INTEGER AS f, file_row_number::INTEGER AS row
    FROM read_parquet(${sqlList(paths)}, file_row_number = true)
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
 * A chosen series: its index in the listing, its labels, the stretch of the read's rows that
 * holds its rows, and their `sumBound` when the read leaves out a column it is computed from.
 */
interface Chosen {
  readonly index: number;
  readonly labels: Labels;
  readonly start: number;
  readonly rows: number;
  readonly bound: number;
}

/**
 * Whether a read of `fields` needs the `sumBound` (storage.ts `RollupRows`) of each file's rows
 * of each series: where it lacks one of the columns the bound is computed from (else
 * rollupRows() computes it from them, and the listing's is infinite). A counter's `rate`
 * holds 52 bytes a row without them and `sum_over_time` 36, and need only this to know their
 * sums exact.
 */
function needsBound(fields: readonly RollupField[]): boolean {
  return !(fields.includes("whole") && fields.includes("min") && fields.includes("max"));
}

/**
 * The SQL of each file's run of each series' rows (a file is sorted by metric, labels and
 * time) among `files` (all when absent): f, metric, labels, n, first row r, span (last − first
 * row + 1), bound, first and last window ends t0 and t1.
 */
function runsSql(
  paths: readonly string[],
  opts: RollupReadOptions,
  fields: readonly RollupField[],
  files?: readonly number[],
): string {
  const rows = files
    ? source(
        files.map((f) => paths[f]),
        opts,
        files,
      )
    : source(paths, opts);
  return `SELECT f, metric, labels, count(*)::INTEGER AS n, min(row) AS r,
      (max(row) - min(row) + 1)::INTEGER AS span,
      ${needsBound(fields) ? SUM_BOUND_SQL : "'inf'::DOUBLE"} AS bound,
      epoch_ms(min(ts))::DOUBLE AS t0, epoch_ms(max(ts))::DOUBLE AS t1
    FROM ${rows} GROUP BY f, metric, labels`;
}

/** A bound as DuckDB gave it: a number, or infinite (nothing known). */
function boundOf(value: unknown): number {
  return typeof value === "number" && !Number.isNaN(value) ? value : Number.POSITIVE_INFINITY;
}

async function read(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: RollupReadOptions,
): Promise<RollupRuns> {
  const fields = readFields(opts.fields);
  if (rollupReaderTuning.index && rollupReaderTuning.fileOrder) {
    // Whatever an index does wrong (a footer is another file's bytes) is the reference's to
    // read instead: its own errors are the read's.
    const read = await readIndexed(conn, paths, opts, fields).catch(() => null);
    if (read) return read;
  }
  // Each file's run of each series' rows, and the series, numbered in label order.
  await conn.run(`CREATE TEMP TABLE runs AS ${runsSql(paths, opts, fields)}`);
  await conn.run(`CREATE TEMP TABLE ser AS
    SELECT metric, labels, (row_number() OVER (ORDER BY metric, labels) - 1)::INTEGER AS i,
      sum(n)::DOUBLE AS n, sum(bound)::DOUBLE AS bound
    FROM runs GROUP BY metric, labels`);
  const listed = (
    await conn.runAndReadAll("SELECT metric, labels::VARCHAR, n, bound FROM ser ORDER BY i")
  ).getRowsJS() as [string, string, number, unknown][];
  const chosen = await choose(
    listed.map(([metric, labels, n, bound]) => ({ metric, labels, n, bound: boundOf(bound) })),
    opts.match,
  );
  if (chosen.length === 0) return { series: [], placements: [] };
  const runs = await listRuns(conn);
  if (chosen.length === listed.length && rollupReaderTuning.fileOrder) {
    const scan = fileOrderScan(conn, paths, opts, fields);
    const read = await inFileOrder(scan, fields, chosen, runs, listed.length, paths.length);
    if (read) return read;
  }
  rollupReaderStats.sorted++;
  const total = rowsOf(chosen);
  const cols = rollupColumns(total, fields);
  const files = new Int32Array(total);
  const only =
    chosen.length < listed.length ? `WHERE i IN (${chosen.map((c) => c.index).join(", ")})` : "";
  // The chosen series' rows one after another, in listing order: each chunk copied whole.
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
  const rowsOfSeries = (c: Chosen) =>
    rollupRows(c.labels, c.rows, columnsBetween(cols, c.start, c.start + c.rows), c.bound);
  return runsOf(chosen, runs, listed.length, rowsOfSeries, files, paths.length);
}

/**
 * A read listed from the files' indexes (rollup_listing.ts) and scanned in the files' order;
 * null where the indexes or that order do not serve it, and the reference must. The scan's
 * first query starts before the listing and runs beside it: it does not depend on it.
 */
async function readIndexed(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: RollupReadOptions,
  fields: readonly RollupField[],
): Promise<RollupRuns | null> {
  const scan = fileOrderScan(conn, paths, opts, fields);
  try {
    const listing = await listFromIndexes(conn, paths, opts, needsBound(fields), (files) =>
      runsSql(paths, opts, fields, files),
    );
    if (listing === null) return null;
    // A read of some series scans every series' rows too, without their labels, and copies
    // only the chosen: cheaper than the reference's sort, which decodes every row's labels.
    const chosen = await choose(listing.series, opts.match);
    const read =
      chosen.length === 0
        ? { series: [], placements: [] }
        : await inFileOrder(
            scan,
            fields,
            chosen,
            listing.runs,
            listing.series.length,
            paths.length,
          );
    if (read) rollupReaderStats.indexedFiles += listing.indexed;
    return read;
  } finally {
    // Not read (files without an index, nothing chosen, an error): freed once its query ends,
    // without holding up the reference's read of files the indexes do not serve.
    void scan.drop();
  }
}

/** The listed series `match` keeps (all when absent), with their labels and places. */
async function choose(
  listed: readonly Listed[],
  match: RollupReadOptions["match"],
): Promise<Chosen[]> {
  const chosen: Chosen[] = [];
  let total = 0;
  await eachWithTurns(listed, ({ metric, labels: json, n, bound }, index) => {
    const labels = labelsFromRow(metric, json);
    if (match && !match(labels)) return;
    chosen.push({ index, labels, start: total, rows: n, bound });
    total += n;
  });
  return chosen;
}

/** The rows the chosen series hold. */
function rowsOf(chosen: readonly Chosen[]): number {
  return chosen.length === 0 ? 0 : chosen[chosen.length - 1].start + chosen[chosen.length - 1].rows;
}

/** The scan of every row of `paths` in range, in the files' order, for {@link inFileOrder}. */
function fileOrderScan(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: RollupReadOptions,
  fields: readonly RollupField[],
): StartedScan {
  return startFileOrderScan(
    conn,
    (from, to) => source(paths.slice(from, to), opts, from),
    paths.length,
    sqlOf(fields),
  );
}

/** Each of `fields` with its SQL. */
function sqlOf(fields: readonly RollupField[]): (readonly [RollupField, string])[] {
  return fields.map((f) => [f, SQL[f]] as const);
}

/**
 * Every listed series (`chosen`) read in the files' order from `scan` (fileOrderScan, of the
 * same fields); null where that order fails.
 */
async function inFileOrder(
  scan: StartedScan,
  fields: readonly RollupField[],
  chosen: readonly Chosen[],
  runs: Runs,
  listed: number,
  fileCount: number,
): Promise<RollupRuns | null> {
  const total = rowsOf(chosen);
  const longest = chosen.reduce((most, c) => Math.max(most, c.rows), 0);
  const common = new Map<RollupField, CommonColumn<CommonValues>>(
    COMMON_FIELDS.filter((f) => rollupReaderTuning.common && fields.includes(f)).map((f) => [
      f,
      INT_FIELDS.has(f)
        ? new CommonColumn(Int32Array, total, longest, listed)
        : new CommonColumn(Float64Array, total, longest, listed),
    ]),
  );
  const cols = rollupColumns(
    total,
    fields.filter((f) => !common.has(f)),
  );
  // By listing index; −1 for the series not chosen, whose rows the scan passes over.
  const starts = new Array<number>(listed).fill(-1);
  const counts = new Array<number>(listed).fill(0);
  for (const c of chosen) {
    starts[c.index] = c.start;
    counts[c.index] = c.rows;
  }
  const ok = await readInFileOrder(scan, runs, sqlOf(fields), { starts, counts, cols, common });
  if (!ok) return null;
  rollupReaderStats.fileOrder++;
  for (const [f, column] of common) {
    const shared = chosen.filter((c) => column.shares(c.index)).length;
    rollupCommonStats.set(f, (rollupCommonStats.get(f) ?? 0) + shared);
  }
  const count = common.get("count");
  const rowsOfSeries = (c: Chosen) => {
    const own = columnsBetween(cols, c.start, c.start + c.rows);
    const shared = [...common].map(([f, column]) => [f, column.values(c.index, c.start, c.rows)]);
    return rollupRows(
      c.labels,
      c.rows,
      { ...own, ...Object.fromEntries(shared) },
      c.bound,
      count?.commonTotal(c.index, c.rows) ?? undefined,
    );
  };
  return runsOf(chosen, runs, listed, rowsOfSeries, null, fileCount);
}

/**
 * The columns a read in the files' order keeps once per pattern for the series that hold them
 * alike (common_column.ts); speed only: `rollupReaderTuning.common` off keeps each series' own.
 * Not `resetSum`: a counter that resets drops from its own value, so where counters reset at
 * all their sums part from every pattern, and a series that parts costs more than its copy
 * (a month's read of `rate` where most reset once: 126 ms against 90 ms for `first`).
 */
const COMMON_FIELDS: readonly RollupField[] = ["ends", "count", "firstAge", "lastAge", "resets"];

/**
 * The chosen series as views of the read's columns, sorted by labels, with placements (each
 * file's rows of each series, and their bound from `runs`): from each row's file (`files`, a
 * sorted read), or from the runs themselves (null: a read in the files' order, which placed
 * each run of a series after the one before).
 */
function runsOf(
  chosen: readonly Chosen[],
  runs: Runs,
  listed: number,
  rowsOfSeries: (c: Chosen) => RollupRows,
  files: Int32Array | null,
  fileCount: number,
): RollupRuns {
  const sorted = [...chosen].sort((a, b) => compareLabels(a.labels, b.labels));
  const series = sorted.map(rowsOfSeries);
  const placements = rowPlacements(fileCount, sorted.length);
  // Listing index → place among the sorted series (-1: not chosen).
  const place = new Int32Array(listed).fill(-1);
  sorted.forEach((s, j) => {
    place[s.index] = j;
  });
  if (files === null) {
    const placed = new Int32Array(sorted.length);
    runs.f.forEach((f, k) => {
      const j = place[runs.i[k]];
      if (j < 0) return;
      placements[f].from[j] = placed[j];
      placed[j] += runs.n[k];
      placements[f].to[j] = placed[j];
      placements[f].bound[j] = runs.bound[k];
    });
    return { series, placements };
  }
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
  if (!stretches) return { series, placements: null };
  runs.f.forEach((f, k) => {
    const j = place[runs.i[k]];
    if (j >= 0) placements[f].bound[j] = runs.bound[k];
  });
  return { series, placements };
}
