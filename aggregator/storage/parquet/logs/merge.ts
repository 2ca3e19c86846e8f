/**
 * Compaction of log files: merges the flush files of one hour into one file with the same
 * schema and row order as {@link writeLogsFile} gives, compressed harder. Logs are not
 * deduplicated, so every input row is kept.
 */
import { stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { withConnection } from "../db.ts";
import { COMPACT_LEVEL, sqlString } from "../schema.ts";
import { type LogFileStats, logCopyOptions, readLogs } from "./schema.ts";
import { floorDiv } from "./writer.ts";

/** Options of {@link mergeLogFiles}. */
export interface MergeLogsOptions {
  /** zstd level; the strong compaction level (19) by default. */
  level?: number;
}

/**
 * Merges the log files `paths` into a new file at `output`, sorted by (stream, ts) and, among
 * equal times of a stream, by the inputs' order (list position, then row): a query over the
 * merged file returns the rows in the order it returned them over the inputs listed so.
 */
export async function mergeLogFiles(
  paths: readonly string[],
  output: string,
  opts: MergeLogsOptions = {},
): Promise<LogFileStats> {
  try {
    if (paths.length === 0) throw new RangeError("there are no input files");
    const twice = paths.find((p, i) => paths.indexOf(p) !== i);
    // Every row is kept: a file listed twice would store its lines twice.
    if (twice !== undefined) throw new RangeError(`${twice} is listed twice`);
    return await withConnection(async (conn) => {
      // DuckDB orders VARCHAR by its UTF-8 bytes, as rankStreams() does (sort.ts; tested with
      // characters beyond U+FFFF, where UTF-16 order differs). The columns keep the types read
      // (JSON, TIMESTAMP_NS, VARCHAR, JSON, INTEGER), so no cast re-parses the JSON.
      await conn.run(`COPY (
          SELECT stream, ts, line, fields, line_bytes
          FROM ${readLogs(paths, true)}
          ORDER BY stream, ts, file_index, file_row_number
        ) TO ${sqlString(output)} (${logCopyOptions(opts.level ?? COMPACT_LEVEL)})`);
      return await logFileStats(conn, output);
    });
  } catch (err) {
    throw new Error(`Cannot merge log files into ${output}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

const NS_PER_MS = 1_000_000n;

/** The stats of the log file at `path`, read back from its `stream` and `ts` columns. */
export async function logFileStats(conn: DuckDBConnection, path: string): Promise<LogFileStats> {
  const reader = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, epoch_ns(min(ts)), epoch_ns(max(ts)), count(DISTINCT stream)::DOUBLE,
       coalesce(list(DISTINCT json_extract_string(stream, '$.job'))
         FILTER (WHERE json_extract_string(stream, '$.job') <> ''), [])
     FROM ${readLogs([path])}`,
  );
  const [rows, min, max, streams, jobs] = reader.getRowsJS()[0] as [
    number,
    bigint | null,
    bigint | null,
    number,
    string[],
  ];
  return {
    rows,
    minTime: min === null ? 0 : Number(floorDiv(min, NS_PER_MS)),
    maxTime: max === null ? 0 : Number(-floorDiv(-max, NS_PER_MS)),
    bytes: (await stat(path)).size,
    streams,
    // JS order, as the writer sorts them.
    jobs: [...jobs].sort(),
  };
}
