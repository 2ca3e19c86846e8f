/**
 * Reads metric files back as series of typed arrays. DuckDB prunes by row-group statistics
 * (metric, ts), numbers the series, and streams (series, ts, value) sorted; this file turns the
 * result chunks into arrays without a JS object per sample.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Labels, seriesHash } from "../../../shared/model/labels.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import type { TimeRange } from "../storage.ts";
import { isValid, scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { labelsFromRow, readParquet, sqlList } from "./schema.ts";

/** One series read from files: samples ascending by time, staleness markers kept. */
export interface StoredSeries {
  readonly labels: Labels;
  /** `seriesHash(labels)`. */
  readonly hash: bigint;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** What to read: exact metric names (undefined = all) and an inclusive time range in Unix ms. */
export interface ReadOptions extends TimeRange {
  readonly metrics?: readonly string[];
}

/**
 * Reads the series of `paths` in the range. A (series, ts) present in several files keeps the
 * sample of the file listed last.
 */
export async function readMetricsFiles(
  paths: readonly string[],
  opts: ReadOptions,
): Promise<StoredSeries[]> {
  if (paths.length === 0 || opts.metrics?.length === 0) return [];
  return withConnection(async (conn) => {
    try {
      const series = await listSeries(conn, paths, opts);
      await fillSamples(conn, paths, opts, series);
      return series.map(finish);
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

/** The filtered rows of `paths`, with `f`: the index of each row's file. */
function source(paths: readonly string[], opts: ReadOptions): string {
  const metric = opts.metrics ? `AND metric IN (${sqlList(opts.metrics).slice(1, -1)})` : "";
  return `(SELECT metric, labels, ts, value, file_index AS f
    FROM ${readParquet(paths)}
    WHERE ts BETWEEN make_timestamp_ms(${msLiteral(opts.start)}) AND make_timestamp_ms(${msLiteral(opts.end)})
    ${metric})`;
}

// DuckDB timestamps hold ±2.9e5 years; PromQL clients send far wider bounds.
const MAX_MS = 8.64e15;

function msLiteral(ms: number): string {
  return String(Math.trunc(Math.max(-MAX_MS, Math.min(MAX_MS, ms))));
}

/** A series being filled: arrays sized by its row count, cut to the samples kept. */
interface Building {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
  words: Uint32Array;
  length: number;
}

async function listSeries(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: ReadOptions,
): Promise<Building[]> {
  await conn.run(`CREATE TEMP TABLE ser AS
    SELECT metric, labels, CAST(row_number() OVER (ORDER BY metric, labels) - 1 AS INTEGER) AS sidx, n
    FROM (SELECT metric, labels, count(*) AS n FROM ${source(paths, opts)} GROUP BY ALL)`);
  const reader = await conn.runAndReadAll(
    "SELECT metric, labels::VARCHAR, n::DOUBLE FROM ser ORDER BY sidx",
  );
  return reader.getRowsJS().map(([metric, labels, n]) => {
    const values = new Float64Array(n as number);
    return {
      labels: labelsFromRow(metric as string, labels as string),
      timestamps: new Float64Array(n as number),
      values,
      words: new Uint32Array(values.buffer),
      length: 0,
    };
  });
}

async function fillSamples(
  conn: DuckDBConnection,
  paths: readonly string[],
  opts: ReadOptions,
  series: Building[],
): Promise<void> {
  const sql = `SELECT s.sidx, epoch_ms(x.ts)::DOUBLE, x.value
    FROM ${source(paths, opts)} x JOIN ser s USING (metric, labels)
    ORDER BY s.sidx, x.ts, x.f`;
  await scanChunks(conn, sql, (view) => {
    const sidx = view.i32(0);
    const ts = view.f64(1);
    const value = view.f64(2);
    const valid = view.validity(2);
    for (let i = 0; i < view.rows; i++) {
      const s = series[sidx[i]];
      // Rows of one (series, ts) arrive in file order: the later file overwrites.
      let k = s.length;
      if (k > 0 && s.timestamps[k - 1] === ts[i]) k--;
      else s.length++;
      s.timestamps[k] = ts[i];
      if (isValid(valid, i)) s.values[k] = value[i];
      else writeStale(s.words, k);
    }
  });
}

function finish(s: Building): StoredSeries {
  const cut = s.length < s.timestamps.length;
  return {
    labels: s.labels,
    hash: seriesHash(s.labels),
    timestamps: cut ? s.timestamps.slice(0, s.length) : s.timestamps,
    values: cut ? s.values.slice(0, s.length) : s.values,
  };
}
