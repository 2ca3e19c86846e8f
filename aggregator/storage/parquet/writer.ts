/**
 * Writes samples as one Parquet metrics file (schema in schema.ts). DuckDB ranks the series by
 * (metric, labels) so that every file agrees on the order; the samples are sorted and
 * deduplicated here on typed arrays, bulk-copied into a temp table already in file order, and
 * COPYed out with their series' strings looked up by rank (a projection, which keeps the order).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { SampleRows, SeriesRef } from "../storage.ts";
import { loadSampleRows, scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { copyOptions, type FileStats, FLUSH_LEVEL, labelsToJson, sqlString } from "./schema.ts";
import { sortRows } from "./sort.ts";
import { fileStats } from "./stats.ts";

/** Options of {@link writeMetricsFile}. */
export interface WriteOptions {
  /** zstd level; the fast {@link FLUSH_LEVEL} by default. */
  level?: number;
}

/**
 * Writes `rows` to a new Parquet file at `path`, sorted by (metric, labels, ts) with one row
 * per (series, ts) (the last one given), and returns what the catalog needs to know.
 */
export function writeMetricsFile(
  rows: SampleRows,
  path: string,
  opts: WriteOptions = {},
): Promise<FileStats> {
  return withConnection(async (conn) => {
    try {
      const { rankOf, ranks } = await rankSeries(conn, rows.series);
      await loadSampleRows(conn, "samples_in", sortRows(rows, rankOf, ranks));
      await conn.run(`COPY (
          SELECT CAST(getvariable('series_metric')[sidx + 1] AS VARCHAR) AS metric,
            CAST(getvariable('series_labels')[sidx + 1] AS JSON) AS labels,
            make_timestamp_ms(CAST(ts AS BIGINT)) AS ts, value
          FROM samples_in
        ) TO ${sqlString(path)} (${copyOptions(opts.level ?? FLUSH_LEVEL, "raw")})`);
      return await fileStats(conn, path);
    } catch (err) {
      throw new Error(`Cannot write Parquet file ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  });
}

/**
 * Ranks the series by (metric, labels) in DuckDB's string order, which merges and readers use
 * too; the same label set listed twice gets one rank. Leaves the metric and labels of each rank
 * in the connection variables `series_metric` and `series_labels`.
 */
async function rankSeries(conn: DuckDBConnection, series: readonly SeriesRef[]) {
  await conn.run("CREATE TEMP TABLE series_in (sidx INTEGER, metric VARCHAR, labels JSON)");
  const appender = await conn.createAppender("series_in");
  try {
    for (let i = 0; i < series.length; i++) {
      appender.appendInteger(i);
      appender.appendVarchar(series[i].metric);
      appender.appendVarchar(labelsToJson(series[i].labels));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await conn.run(`CREATE TEMP TABLE ranked AS
    SELECT sidx, metric, labels, CAST(dense_rank() OVER (ORDER BY metric, labels) - 1 AS INTEGER) AS rank
    FROM series_in`);
  await conn.run(`SET VARIABLE series_metric = (SELECT coalesce(list(metric ORDER BY rank), [])
    FROM (SELECT DISTINCT rank, metric FROM ranked))`);
  await conn.run(`SET VARIABLE series_labels = (SELECT coalesce(list(labels ORDER BY rank), [])
    FROM (SELECT DISTINCT rank, labels FROM ranked))`);
  const rankOf = new Int32Array(series.length);
  let ranks = 0;
  await scanChunks(conn, "SELECT sidx, rank FROM ranked", (view) => {
    const sidx = view.i32(0);
    const rank = view.i32(1);
    for (let i = 0; i < view.rows; i++) {
      rankOf[sidx[i]] = rank[i];
      if (rank[i] >= ranks) ranks = rank[i] + 1;
    }
  });
  return { rankOf, ranks };
}
