/**
 * The rows of several metric files as one deduplicated SQL source, for merges and rollups:
 * one row per (metric, labels, ts), the one from the file listed last.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { readParquet } from "./schema.ts";

/**
 * Returns an SQL subquery over `paths` with columns (metric, labels, ts, value). Deduplicating
 * costs a window over every row (about 40 % of a merge, measured), so it is skipped when the
 * files are distinct and their time ranges do not overlap: then no (series, ts) can be in two.
 */
export async function mergedSource(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<string> {
  const all = `(SELECT metric, labels, ts, value, file_index AS f
    FROM ${readParquet(paths)})`;
  const distinct = new Set(paths).size === paths.length;
  if (paths.length < 2 || (distinct && !(await overlapping(conn, all)))) {
    return `(SELECT metric, labels, ts, value FROM ${all})`;
  }
  return `(SELECT metric, labels, ts, value FROM ${all}
    QUALIFY row_number() OVER (PARTITION BY metric, labels, ts ORDER BY f DESC) = 1)`;
}

/** True when the time ranges of two files overlap (their ts columns are cheap to scan). */
async function overlapping(conn: DuckDBConnection, all: string): Promise<boolean> {
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE FROM ${all} GROUP BY f ORDER BY 1`,
  );
  const ranges = reader.getRowsJS() as [number, number][];
  let reach = Number.NEGATIVE_INFINITY;
  for (const [min, max] of ranges) {
    if (min <= reach) return true;
    reach = Math.max(reach, max);
  }
  return false;
}
