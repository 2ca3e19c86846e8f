/**
 * Reads metric files back as series of typed arrays. First the distinct series of the files
 * (small: DuckDB groups the dictionary-encoded `labels` column) are listed and filtered by the
 * caller's matchers; then only the chosen series' samples are read, in file order, tagged with
 * the series hash, and appended to per-series arrays (fill.ts): for sparse series a sample a
 * row from a materialized result, cut into runs (one series, one file) in JS; for dense ones as
 * runs DuckDB builds as lists (runs.ts). No global ORDER BY or join on the labels: those cost
 * seconds at 40 M rows (10,000 series × 24 h: 8.4 s before, 2.5 s now; one series 8 s → 0.3 s).
 * Series whose samples still come out of order are read again, sorted (`refill`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Labels } from "../../../shared/model/labels.ts";
import { eachWithTurns } from "../../../shared/runtime/turns.ts";
import type { TimeRange } from "../storage.ts";
import { scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { allocate, type Building, buildingOf, Filler, finish, reset } from "./fill.ts";
import { listByHash } from "./listing.ts";
import { scanRows, scanRuns } from "./runs.ts";
import { labelsFromRow, readParquet, sqlList, sqlString } from "./schema.ts";
import { SeriesIntern } from "./series_intern.ts";

/**
 * Speed-only knobs of the reader, for tests: `intern` keeps the label sets read, by hash, so
 * that a file listing series already seen reads two hashes a series instead of its texts;
 * null reads every listing's texts (the reference). `flatRunMax`: a read whose series hold at
 * most this many samples a file on average takes a sample a row, materialized (runs.ts
 * `scanRows`: sparse series, where DuckDB's lists cost most); other reads take runs as DuckDB
 * lists, streamed (`scanRuns`, which holds less at once). 0 reads everything as lists (the
 * reference, the reader before), Infinity everything a row; reader_rows.test.ts holds the two
 * to the same bits.
 */
export const readerTuning: { intern: SeriesIntern | null; flatRunMax: number } = {
  intern: new SeriesIntern(),
  flatRunMax: 64,
};

/** Series read again sorted because their samples came out of order (for tests). */
export const readerStats = { refilled: 0 };

/** One series read from files: samples ascending by time, staleness markers kept. */
export interface StoredSeries {
  readonly labels: Labels;
  /** `seriesHash(labels)`. */
  readonly hash: bigint;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** True when known to hold no staleness marker. */
  readonly clean?: boolean;
  /** True when known to hold no value lower than the one before it (`neverDrops`). */
  readonly noDrops?: boolean;
}

/** Every time the reader can hold (Unix ms, ±100,000 days): a range for whole files. */
export const ALL_TIME: TimeRange = { start: -8.64e15, end: 8.64e15 };

/** What to read: exact metric names (undefined = all) and an inclusive time range in Unix ms. */
export interface ReadOptions extends TimeRange {
  readonly metrics?: readonly string[];
  /** Keeps only the series it accepts (all when absent); the others' samples are not read. */
  readonly match?: (labels: Labels) => boolean;
}

/**
 * Reads the series of `paths` in the range, sorted by (metric, labels). A (series, ts) present
 * in several files keeps the sample of the file listed last.
 */
export async function readMetricsFiles(
  paths: readonly string[],
  opts: ReadOptions,
): Promise<StoredSeries[]> {
  if (paths.length === 0 || opts.metrics?.length === 0) return [];
  return withConnection(async (conn) => {
    try {
      const { series, listed, hash } = await listSeries(conn, paths, opts);
      if (series.length === 0) return [];
      allocate(series);
      const narrow = series.length < listed && series.length <= PUSHED_SERIES;
      const only = narrow
        ? `AND labels IN (${(await textsOf(conn, series, hash)).map(sqlString).join(", ")})`
        : "";
      const filler = new Filler(series);
      // Named series are read as lists: DuckDB joins a long IN list, and the join's output
      // leaves file order, which would send most series to the re-read.
      const flat = !narrow && meanRun(series, paths.length) <= readerTuning.flatRunMax;
      for (const batch of await batches(conn, paths, flat ? FLAT_BATCH_ROWS : BATCH_ROWS)) {
        const where = `${filters(opts)} ${only}`;
        if (flat) await scanRows(conn, rowsSql(batch, where, hash), filler);
        else await scanRuns(conn, runsSql(batch, where, hash), filler);
      }
      await refill(
        conn,
        paths,
        opts,
        hash,
        series.filter((s) => s.disordered),
      );
      return series.map(finish);
    } catch (err) {
      throw new Error(`Cannot read Parquet files: ${(err as Error).message}`, { cause: err });
    }
  });
}

/** One file's series of one metric: `file` an index into the paths read, `labels` its JSON. */
export interface SeriesRow {
  file: number;
  metric: string;
  labels: string;
}

/**
 * Every distinct (file, metric, series) of `metrics` in `paths`, whatever their times (what
 * storage/labels_memo.ts keeps). One query over all the files.
 */
export async function readSeriesRows(
  paths: readonly string[],
  metrics: readonly string[],
): Promise<SeriesRow[]> {
  if (paths.length === 0 || metrics.length === 0) return [];
  return withConnection(async (conn) => {
    try {
      const reader = await conn.runAndReadAll(
        `SELECT DISTINCT file_index::INTEGER, metric, labels::VARCHAR FROM ${readParquet(paths)}
         WHERE metric IN (${sqlList(metrics).slice(1, -1)})`,
      );
      return reader
        .getRowsJS()
        .map(([f, m, l]) => ({ file: Number(f), metric: m as string, labels: l as string }));
    } catch (err) {
      throw new Error(`Cannot read Parquet files: ${(err as Error).message}`, { cause: err });
    }
  });
}

/** The distinct label sets in `paths` with samples in `range`, sorted (for label APIs). */
export async function readSeriesLabels(
  paths: readonly string[],
  metrics: readonly string[] | undefined,
  range: TimeRange,
): Promise<Labels[]> {
  if (paths.length === 0 || metrics?.length === 0) return [];
  return withConnection(async (conn) => {
    try {
      const reader = await conn.runAndReadAll(
        `SELECT DISTINCT metric, labels::VARCHAR FROM ${source(paths, { ...range, metrics })}
         ORDER BY metric, labels`,
      );
      return reader.getRowsJS().map(([m, l]) => labelsFromRow(m as string, l as string));
    } catch (err) {
      throw new Error(`Cannot read Parquet files: ${(err as Error).message}`, { cause: err });
    }
  });
}

/**
 * Up to this many chosen series (of more listed) are named in the sample query, so that
 * DuckDB skips the other series' rows in the scan (row-group statistics, then the filter)
 * instead of handing them to JS to drop.
 */
const PUSHED_SERIES = 256;

/** The filtered rows of `paths`: `t` the time in Unix ms, `f` the index of each row's file. */
function source(paths: readonly string[], opts: ReadOptions): string {
  return `(SELECT metric, labels, epoch_ms(ts)::DOUBLE AS t, value, file_index::INTEGER AS f
    FROM ${readParquet(paths)} WHERE ${filters(opts)})`;
}

/** The WHERE conditions of a read on the files' own columns. */
function filters(opts: ReadOptions): string {
  const metric = opts.metrics ? `AND metric IN (${sqlList(opts.metrics).slice(1, -1)})` : "";
  return `ts BETWEEN make_timestamp_ms(${msLiteral(opts.start)}) AND make_timestamp_ms(${msLiteral(opts.end)}) ${metric}`;
}

/** Files read by one query, and the index of its first in the whole read. */
interface Batch {
  paths: readonly string[];
  first: number;
}

/**
 * Rows of files read by one query: its result is built in memory before the first row is
 * returned (lists: all 40 M rows at once ran out of DuckDB's 1 GB; a row a sample: 28 bytes a
 * sample of the metric read), so data is read in pieces of about this size. With lists, 4 M
 * measured 20 % slower, 12 M no faster.
 */
const BATCH_ROWS = 8_000_000;

/**
 * The same for a read a sample a row: its result, 28 bytes a row of the metric read, stays
 * allocated until the next garbage collection, so at most ~110 MB of it for a batch.
 */
const FLAT_BATCH_ROWS = 4_000_000;

/** Splits `paths`, in order, into batches of about `limit` rows (from the files' footers). */
async function batches(
  conn: DuckDBConnection,
  paths: readonly string[],
  limit: number,
): Promise<Batch[]> {
  // One file is one batch: no need to ask its footer (a query cost ~1 ms a file read).
  if (paths.length === 1) return [{ paths, first: 0 }];
  const reader = await conn.runAndReadAll(
    `SELECT file_name, num_rows::DOUBLE FROM parquet_file_metadata(${sqlList(paths)})`,
  );
  const rows = new Map(reader.getRowsJS().map(([name, n]) => [name as string, n as number]));
  const out: Batch[] = [];
  let sum = limit;
  for (let i = 0; i < paths.length; i++) {
    const n = rows.get(paths[i]) ?? limit;
    if (sum + n > limit) {
      out.push({ paths: [], first: i });
      sum = 0;
    }
    (out[out.length - 1].paths as string[]).push(paths[i]);
    sum += n;
  }
  return out;
}

/**
 * Rows per run at most: a file's run of one series is cut where a DuckDB thread's share of
 * the file may end (row groups hold 491,520 = 15 × 32,768 rows), so that each run is built by
 * one thread, in file order.
 */
const RUN_ROWS = 32_768;

/**
 * The samples of a batch as runs (hash, f, t[], value[]), in file order and, within a file, in
 * its row order, which is the series listing's: the filler then finds each run's series next.
 */
function runsSql(batch: Batch, where: string, hash: string): string {
  return `SELECT h, f, t, v FROM (
    SELECT ${hash} AS h, (file_index + ${batch.first})::INTEGER AS f,
      file_row_number // ${RUN_ROWS} AS g, min(file_row_number) AS r,
      list(epoch_ms(ts)::DOUBLE) AS t, list(value) AS v
    FROM read_parquet(${sqlList(batch.paths)}, file_row_number = true)
    WHERE ${where}
    GROUP BY h, f, g)
  ORDER BY f, r`;
}

/**
 * The samples a chosen series holds in a file, on average over the files read (less where
 * some files hold none of its metric: such a read may go a row a sample while dense, its
 * batches bounded by `FLAT_BATCH_ROWS`). Sparse series (a sample every 5 minutes: 12 an hour
 * file) are read a row a sample: as lists, DuckDB's work per run was most of their read (a
 * month of 6,696 such series: 15–16 s of DuckDB's CPU as lists, 9–10 s a row a sample). Dense
 * ones (240 an hour at 15 s) read as fast either way, and the rows, materialized whole, held
 * ~60 MB more at once for an hour of 10,000 series.
 */
function meanRun(series: readonly Building[], files: number): number {
  let rows = 0;
  for (const s of series) rows += s.rows;
  return rows / Math.max(1, series.length * files);
}

/** The samples of a batch a row each (hash, f, t, v), in file order (runs.ts `scanRows`). */
function rowsSql(batch: Batch, where: string, hash: string): string {
  return `SELECT ${hash} AS h, (file_index + ${batch.first})::INTEGER AS f,
      epoch_ms(ts)::DOUBLE AS t, value AS v
    FROM read_parquet(${sqlList(batch.paths)}) WHERE ${where}`;
}

// DuckDB timestamps hold ±2.9e5 years; PromQL clients send far wider bounds.
const MAX_MS = ALL_TIME.end;

function msLiteral(ms: number): string {
  return String(Math.trunc(Math.max(-MAX_MS, Math.min(MAX_MS, ms))));
}

/**
 * Lists the series with their row counts into the temp table `ser`, and builds the chosen
 * ones. Rows name their series by `hash`, an SQL expression salted until no two listed series
 * share a value.
 */
async function listSeries(conn: DuckDBConnection, paths: readonly string[], opts: ReadOptions) {
  // Grouping by `labels` alone measured 3× faster than by (metric, labels), and one metric is
  // the common case; the series key then leaves the metric out too.
  const only = opts.metrics?.length === 1 ? opts.metrics[0] : undefined;
  const key = only === undefined ? "metric, labels" : "labels";
  await conn.run(`CREATE TEMP TABLE ser AS
    SELECT ${key}, count(*) AS n FROM ${source(paths, opts)} GROUP BY ALL`);
  const metric = only === undefined ? "metric" : sqlString(only);
  const intern = readerTuning.intern;
  if (intern !== null) {
    const listing = await listByHash(conn, key, metric, intern);
    if (listing !== null) return { ...listing, series: await chosen(listing.series, opts) };
  }
  for (let salt = 0; ; salt++) {
    const hash = salt === 0 ? `hash(${key})` : `hash(${key}, ${salt})`;
    const reader = await conn.runAndReadAll(
      `SELECT ${metric}, labels::VARCHAR, ${hash}, n::DOUBLE FROM ser ORDER BY ${key}`,
    );
    const rows = reader.getRowsJS();
    if (new Set(rows.map((r) => r[2])).size < rows.length) continue;
    const series: Building[] = [];
    await eachWithTurns(rows, ([metric, json, h, n]) => {
      const labels = labelsFromRow(metric as string, json as string);
      if (opts.match && !opts.match(labels)) return;
      const hash64 = h as bigint;
      series.push(
        buildingOf(labels, Number(hash64 & 0xffffffffn), Number(hash64 >> 32n), n as number),
      );
    });
    return { series, listed: rows.length, hash };
  }
}

async function chosen(series: Building[], opts: ReadOptions): Promise<Building[]> {
  const match = opts.match;
  if (!match) return series;
  const kept: Building[] = [];
  await eachWithTurns(series, (s) => {
    if (match(s.labels)) kept.push(s);
  });
  return kept;
}

/** The stored `labels` texts of `series`, built from a listing by `hash`. */
async function textsOf(
  conn: DuckDBConnection,
  series: readonly Building[],
  hash: string,
): Promise<string[]> {
  const hashes = series.map((s) => `${(BigInt(s.hashHi) << 32n) | BigInt(s.hashLo)}::UBIGINT`);
  const reader = await conn.runAndReadAll(
    `SELECT labels::VARCHAR FROM ser WHERE ${hash} IN (${hashes.join(", ")})`,
  );
  return reader.getRowsJS().map((r) => r[0] as string);
}

/**
 * Reads the series whose rows came out of order (files overlapping in time, or listed out of
 * time order) again, sorted, as the reader once read everything.
 */
async function refill(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: ReadOptions,
  hash: string,
  series: Building[],
): Promise<void> {
  if (series.length === 0) return;
  readerStats.refilled += series.length;
  for (const s of series) reset(s);
  const hashes = series.map((s) => String((BigInt(s.hashHi) << 32n) | BigInt(s.hashLo)));
  const filler = new Filler(series);
  await scanChunks(
    conn,
    `SELECT * FROM (SELECT ${hash} AS h, t, value, f FROM ${source(paths, opts)})
     WHERE h IN (${hashes.map((h) => `${h}::UBIGINT`).join(", ")}) ORDER BY h, t, f`,
    (view) => filler.add(view),
  );
}
