/**
 * The Parquet schema of log files (`signal=logs`), in one place:
 *
 *   stream      JSON          the stream's labels as a JSON object, keys sorted: {"host":"a","job":"app"}
 *   ts          TIMESTAMP_NS  record time, nanoseconds since the Unix epoch (UTC)
 *   line        VARCHAR       the log line, UTF-8, without its trailing newline
 *   fields      JSON          structured fields as a JSON object in insertion order, NULL when none
 *   line_bytes  INTEGER       octet_length(line): bytes_over_time without reading the lines
 *
 * Rows are sorted by (stream, ts, input order); duplicates are kept (logs are not deduplicated
 * here). zstd, Parquet V2 pages, KV metadata `outpost_schema: 'logs/1'`, row groups of 32,768
 * rows so that min/max statistics on `stream` and `ts` skip other streams and other times.
 * Measured on 10 M lines (bench/logs_parquet.ts): `line_bytes` costs 1.5 % of the file and
 * turns a 24 h count+bytes by stream from ~550 ms into ~120 ms; 32,768-row groups against
 * 122,880 cost 0.3 % and make a one-stream filtered scan 3× faster; a stored stream hash made
 * grouping only 10 % faster and was left out.
 */
import type { Labels } from "../../../../shared/model/labels.ts";
import { sqlString } from "../schema.ts";

/** Log records to write, as columns; a {@link LogChunk} of the log seam satisfies it. */
export interface LogRows {
  readonly length: number;
  /** Stream label sets (sorted labels each); a label set may be listed twice. */
  readonly streams: readonly Labels[];
  /** Per record: index into `streams`. */
  readonly stream: Int32Array;
  /** Per record: nanoseconds since the Unix epoch. */
  readonly timeNs: BigInt64Array;
  readonly lines: readonly string[];
  /** Per record: structured fields `[n0, v0, …]`; null or empty when none. Absent: none at all. */
  readonly fields?: readonly (readonly string[] | null)[];
}

/** Summary of a written log file, for the catalog. */
export interface LogFileStats {
  /** Rows in the file. */
  readonly rows: number;
  /** Oldest record time in Unix ms, rounded down (0 for an empty file). */
  readonly minTime: number;
  /** Newest record time in Unix ms, rounded up (0 for an empty file). */
  readonly maxTime: number;
  /** File size. */
  readonly bytes: number;
  /** Distinct streams with at least one row. */
  readonly streams: number;
  /** Distinct values of the `job` label, sorted (for `FileEntry.metrics`: prunes by job). */
  readonly jobs: string[];
}

/** Rows per row group (see the header for the measurements). */
export const LOG_ROW_GROUP = 32_768;

/** COPY options of every log file. */
export function logCopyOptions(level: number): string {
  return [
    "FORMAT parquet",
    "COMPRESSION zstd",
    `COMPRESSION_LEVEL ${level}`,
    "PARQUET_VERSION V2",
    `ROW_GROUP_SIZE ${LOG_ROW_GROUP}`,
    "KV_METADATA {outpost_schema: 'logs/1'}",
  ].join(", ");
}

// What make_timestamp_ns accepts (measured): 1677-09-22 to 2262-04-11; the int64 extremes
// are ±infinity.
const MIN_NS = -9_223_286_400_000_000_000n;
const MAX_NS = 2n ** 63n - 2n;

/** Clamps nanoseconds to what a TIMESTAMP_NS literal can hold. */
export function clampNs(ns: bigint): bigint {
  return ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : ns;
}

/** A TIMESTAMP_NS literal for `ns` (clamped to the type's range). */
export function tsLiteral(ns: bigint): string {
  return `make_timestamp_ns(${clampNs(ns)})`;
}

/** An SQL IN list body `'a', 'b'`. */
export function sqlIn(items: readonly string[]): string {
  return items.map(sqlString).join(", ");
}

/** A `read_parquet` call over `paths`, with the `file_row_number` column when `rowNumbers`. */
export function readLogs(paths: readonly string[], rowNumbers = false): string {
  return `read_parquet([${sqlIn(paths)}]${rowNumbers ? ", file_row_number = true" : ""})`;
}

/**
 * The `fields` value of a record: a JSON object of names and values in order, or null when
 * there are none. Written by hand so that order (and a repeated name) survives: an object
 * literal would put integer-like names first and keep one value per name.
 */
export function fieldsToJson(fields: readonly string[] | null | undefined): string | null {
  if (!fields || fields.length === 0) return null;
  let out = "{";
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (i > 0) out += ",";
    out += `${JSON.stringify(fields[i])}:${JSON.stringify(fields[i + 1])}`;
  }
  return `${out}}`;
}

const NO_FIELDS: readonly string[] = Object.freeze([]);

/** Reads a `fields` value back as `[n0, v0, …]` in stored order (empty for null). */
export function fieldsFromJson(json: string | null): readonly string[] {
  if (json === null || json.length <= 2) return NO_FIELDS;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const start = json.indexOf('"', i);
    if (start < 0) return out;
    const end = stringEnd(json, start);
    const token = json.slice(start, end + 1);
    // Plain strings (the usual case) need no JSON parse.
    out.push(token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1));
    i = end + 1;
  }
}

/** Index of the quote closing the JSON string opened at `start`. */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  throw new SyntaxError(`Cannot read log fields ${json.slice(0, 80)}: unterminated string`);
}
