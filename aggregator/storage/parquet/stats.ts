/**
 * Reads back the {@link FileStats} of a written metrics file: it scans two columns, both
 * dictionary-encoded, so this costs little next to the write.
 */
import { stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type FileStats, readParquet } from "./schema.ts";

/** The stats of the metrics file at `path`; an empty file has times 0. */
export async function fileStats(conn: DuckDBConnection, path: string): Promise<FileStats> {
  const reader = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, coalesce(epoch_ms(min(ts)), 0)::DOUBLE, coalesce(epoch_ms(max(ts)), 0)::DOUBLE,
       coalesce(list(DISTINCT metric ORDER BY metric), [])
     FROM ${readParquet([path])}`,
  );
  const [rows, minTime, maxTime, metrics] = reader.getRowsJS()[0] as [
    number,
    number,
    number,
    string[],
  ];
  return { rows, minTime, maxTime, metrics: [...metrics], bytes: (await stat(path)).size };
}
