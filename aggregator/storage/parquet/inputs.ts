/**
 * The rows of several metric files as one deduplicated SQL source, for merges and rollups:
 * one row per (metric, labels, ts), the one from the file listed last, −0 kept as −0.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { holdsNegativeZero } from "./negative_zero.ts";
import { readParquet } from "./schema.ts";

/** The merged rows of several files as SQL, and whether a value among them is −0. */
export interface MergedSource {
  /** An SQL subquery with columns (metric, labels, ts, value). */
  readonly sql: string;
  /** A value is −0: write without dictionaries (schema.ts `copyOptions`). */
  readonly negativeZero: boolean;
}

/**
 * The rows of `paths` as one SQL source. Deduplicating costs a window over every row (about
 * 40 % of a merge, measured), so it is skipped when the files are distinct and their time
 * ranges do not overlap: then no (series, ts) can be in two.
 */
export async function mergedSource(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<MergedSource> {
  const all = `(SELECT metric, labels, ts, value, file_index AS f
    FROM ${readParquet(paths)})`;
  const plain = `(SELECT metric, labels, ts, value FROM ${all})`;
  if (paths.length < 2) {
    return { sql: plain, negativeZero: await holdsNegativeZero(conn, paths) };
  }
  // Distinct files are scanned once for both questions; repeated ones always deduplicate.
  const { overlap, negativeZero } =
    new Set(paths).size === paths.length
      ? await scanFiles(conn, all)
      : { overlap: true, negativeZero: await holdsNegativeZero(conn, paths) };
  if (!overlap) return { sql: plain, negativeZero };
  const latest = "QUALIFY row_number() OVER (PARTITION BY metric, labels, ts ORDER BY f DESC) = 1";
  if (!negativeZero) {
    return { sql: `(SELECT metric, labels, ts, value FROM ${all} ${latest})`, negativeZero };
  }
  // DuckDB rewrites the window into arg_max_nulls_last(value, f), which returns −0 as 0
  // (measured, 1.5.6): the sign goes around it in a column of its own.
  return {
    sql: `(SELECT metric, labels, ts, CASE WHEN nz THEN '-0'::DOUBLE ELSE value END AS value
      FROM (SELECT *, value = 0 AND signbit(value) AS nz FROM ${all}) ${latest})`,
    negativeZero,
  };
}

/**
 * In one scan of the files: whether the time ranges of two overlap (their ts columns are cheap
 * to scan), and whether a value is −0 (as `holdsNegativeZero`).
 */
async function scanFiles(
  conn: DuckDBConnection,
  all: string,
): Promise<{ overlap: boolean; negativeZero: boolean }> {
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE,
       coalesce(bool_or(value = 0 AND signbit(value)), false)
     FROM ${all} GROUP BY f ORDER BY 1`,
  );
  const files = reader.getRowsJS() as [number, number, boolean][];
  let overlap = false;
  let negativeZero = false;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [min, max, nz] of files) {
    if (min <= reach) overlap = true;
    reach = Math.max(reach, max);
    negativeZero ||= nz === true;
  }
  return { overlap, negativeZero };
}
