/**
 * The Parquet schema of metric files, in one place (docs/storage.md explains each choice with
 * its measurements):
 *
 *   metric  VARCHAR       the `__name__` label ("" when absent)
 *   labels  JSON          every other label as a JSON object, keys sorted (code units), e.g. {"job":"api"}
 *   ts      TIMESTAMP_MS  sample time (rollups: window end, rollup.ts)
 *   value   DOUBLE        the sample; NULL is a Prometheus staleness marker
 *
 * Rows are sorted by (metric, labels, ts); one row per (series, ts).
 */
import { codeUnitOrder, compareNames, type Labels } from "../../../shared/model/labels.ts";

/** Summary of a written file, for the catalog. */
export interface FileStats {
  /** Rows in the file. */
  readonly rows: number;
  /** Smallest `ts` in Unix ms. */
  readonly minTime: number;
  /** Largest `ts` in Unix ms. */
  readonly maxTime: number;
  /** Distinct metric names, sorted. */
  readonly metrics: string[];
  /** File size. */
  readonly bytes: number;
}

/** zstd level of freshly flushed files: fast to write, compacted later. */
export const FLUSH_LEVEL = 3;
/** zstd level of compacted and rollup files: slow to write, written once per hour. */
export const COMPACT_LEVEL = 19;

/**
 * COPY options shared by every metric file. Raw files: big row groups and a dictionary only
 * for low-cardinality chunks (small gauges, labels) keep values in BYTE_STREAM_SPLIT + zstd,
 * which measured smallest; see docs/storage.md. `negativeZero`: the rows hold a −0 value, and
 * the file is written without dictionaries, since DuckDB's dictionary keys values by equality
 * and would store −0 as the 0 of the same chunk (or the reverse).
 *
 * Rollup files: row groups of 16,384 rows, so that a read of one metric skips the row groups
 * of the others by their `metric` statistics (rows are sorted by metric): a month of a
 * 100-series metric's 1 h rows read in 0.1–0.2 s instead of 0.4–0.6 s, a week of its 5 m rows
 * in 0.35 s instead of 0.58 s (docs/benchmarks.md). No dictionaries there: row groups that small
 * would dictionary-encode the values too (2.5× the bytes); without, the files grow 2–7 %.
 * `kv`: more footer entries (SQL struct fields), a rollup's series index (rollup_index.ts).
 */
export function copyOptions(
  level: number,
  kind: "raw" | "rollup",
  negativeZero = false,
  rawRowGroup = RAW_ROW_GROUP,
  kv = "",
): string {
  const rollup = kind === "rollup";
  return [
    "FORMAT parquet",
    "COMPRESSION zstd",
    `COMPRESSION_LEVEL ${level}`,
    "PARQUET_VERSION V2",
    `ROW_GROUP_SIZE ${rollup ? ROLLUP_ROW_GROUP : rawRowGroup}`,
    // 0 turns dictionaries off for every column (DuckDB has no per-column switch); such files
    // are rare, and the sorted label columns compress well under zstd without one.
    `DICTIONARY_SIZE_LIMIT ${negativeZero || rollup ? 0 : 16384}`,
    // Rollups are at version 2: left-open windows named by their end (rollup.ts).
    `KV_METADATA {outpost_schema: 'metrics-${kind}/${rollup ? 2 : 1}'${kv ? `, ${kv}` : ""}}`,
  ].join(", ");
}

/** Rows a row group of a rollup file holds (copyOptions). */
export const ROLLUP_ROW_GROUP = 16_384;

/**
 * Rows a row group of a raw file holds: 15 × 32,768 (the raw reader cuts runs at multiples of
 * 32,768 rows, reader.ts `RUN_ROWS`, so row groups must be multiples of it).
 */
export const RAW_ROW_GROUP = 491_520;

/**
 * The row group of a merged raw file of about `rows` rows: RAW_ROW_GROUP, or half the file
 * (at least 65,536 rows) when that would be one or two groups, so that a read of one metric
 * skips the other half by its `metric` statistics. An hour of 10,000 series at a sample every
 * 5 minutes (120,000 rows) was one group: two groups of 65,536 read a 100-series metric in
 * 48 ms instead of 78 ms for 2.4 % more bytes; at 15 s (2.4 M rows, five groups) smaller groups
 * only cost bytes (+8.5 % at 131,072) and nothing changes (docs/storage.md).
 */
export function mergedRowGroup(rows: number): number {
  if (rows >= 2 * RAW_ROW_GROUP) return RAW_ROW_GROUP;
  const half = Math.ceil(rows / 2 / 32_768) * 32_768;
  return Math.max(65_536, Math.min(RAW_ROW_GROUP, half));
}

/** Quotes a string as an SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Renders strings as an SQL list literal: `['a', 'b']`. */
export function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(", ")}]`;
}

/**
 * Renders a file list as a `read_parquet` call. Rows carry the virtual column `file_index`:
 * the position of their file in `paths`.
 */
export function readParquet(paths: readonly string[]): string {
  return `read_parquet(${sqlList(paths)})`;
}

/**
 * The canonical `labels` value of a series: labels other than `__name__` as a JSON object,
 * names in UTF-16 code-unit order ({@link codeUnitOrder}: the order files were written in
 * before label sets sorted by bytes; one series must keep one text, or a merge would see two).
 * Written by hand rather than JSON.stringify(object) because objects put integer-like keys
 * first, and two writers must produce the same bytes for the same series.
 */
export function labelsToJson(labels: Labels): string {
  const ordered = codeUnitOrder(labels);
  let out = "{";
  for (let i = 0; i < ordered.length; i += 2) {
    if (ordered[i] === "__name__") continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(ordered[i])}:${JSON.stringify(ordered[i + 1])}`;
  }
  return `${out}}`;
}

/** Rebuilds a label set, in label order, from a row's `metric` and `labels`. */
export function labelsFromRow(metric: string, json: string): Labels {
  const parsed = JSON.parse(json) as Record<string, string>;
  const names = Object.keys(parsed).filter((n) => parsed[n] !== "");
  if (metric !== "") names.push("__name__");
  names.sort(compareNames);
  const out: string[] = new Array(names.length * 2);
  for (let i = 0; i < names.length; i++) {
    out[2 * i] = names[i];
    out[2 * i + 1] = names[i] === "__name__" ? metric : parsed[names[i]];
  }
  return out;
}
