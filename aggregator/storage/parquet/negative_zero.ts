/**
 * Finding −0 among values before a file is written: DuckDB's Parquet dictionary keys values by
 * equality, so a dictionary-encoded chunk holding 0 and −0 reads back one of them for both.
 * A file whose values hold a −0 is written without dictionaries (schema.ts `copyOptions`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { readParquet } from "./schema.ts";

/** True when `words` (a Float64Array's 32-bit words, little-endian) hold a −0 in `n` values. */
export function hasNegativeZero(words: Uint32Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    if (words[2 * i + 1] === 0x80000000 && words[2 * i] === 0) return true;
  }
  return false;
}

/**
 * True when a `value` of the metric files `paths` is −0. Scans the value column only; a file
 * whose statistics leave out zero (all values above or below it) is still scanned, since
 * Parquet's double statistics do not say how they order ±0.
 */
export async function holdsNegativeZero(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<boolean> {
  const reader = await conn.runAndReadAll(
    `SELECT coalesce(bool_or(value = 0 AND signbit(value)), false) FROM ${readParquet(paths)}`,
  );
  return reader.getRowsJS()[0][0] === true;
}
