/**
 * The SQL of log reads. Line filters become DuckDB string functions on `line`: `|=`/`!=` a
 * (NOT) contains, `|~`/`!~` a (NOT) regexp_matches, which is RE2 unanchored, as LogQL's line
 * regexes are (Go's regexp is RE2 too). Streams are chosen by their `stream` text, and named in
 * results by their index in the caller's list through an ENUM of those texts.
 */

import type { LineFilter } from "../../../logs/source.ts";
import { sqlString } from "../schema.ts";
import type { RowKey } from "./scan.ts";
import { readLogs, sqlIn, tsLiteral } from "./schema.ts";

/** The streams a read keeps: their `stream` texts, and whether they are all of the files' streams. */
export interface StreamChoice {
  readonly texts: readonly string[];
  readonly all: boolean;
}

/** `AND …` conditions of the line filters on `line`. */
export function lineFilterSql(filters: readonly LineFilter[]): string {
  return filters.map((f) => ` AND ${lineFilterExpr(f)}`).join("");
}

function lineFilterExpr(f: LineFilter): string {
  const v = sqlString(f.value);
  switch (f.op) {
    case "|=":
      return `contains(line, ${v})`;
    case "!=":
      return `NOT contains(line, ${v})`;
    case "|~":
      return `regexp_matches(line, ${v})`;
    case "!~":
      return `NOT regexp_matches(line, ${v})`;
  }
}

/** A test that DuckDB compiles `re` (SELECTing it fails when it does not). */
export function regexCheckSql(re: string): string {
  return `SELECT regexp_matches('', ${sqlString(re)})`;
}

/** `AND stream IN (…)` unless every stream is chosen. */
function streamFilterSql(streams: StreamChoice): string {
  return streams.all ? "" : ` AND stream IN (${sqlIn(streams.texts)})`;
}

/** The index of a row's stream in `streams.texts`, as an INTEGER. */
function streamIndexSql(streams: StreamChoice): string {
  return `enum_code(TRY_CAST(stream::VARCHAR AS ENUM(${sqlIn(streams.texts)})))::INTEGER`;
}

/** One page of a search: rows of [lo, hi) after `after`, in the direction, at most `limit`. */
export interface PageQuery {
  readonly paths: readonly string[];
  readonly streams: StreamChoice;
  readonly filters: readonly LineFilter[];
  readonly lo: bigint;
  readonly hi: bigint;
  readonly direction: "forward" | "backward";
  readonly after: RowKey | undefined;
  readonly limit: number;
}

/** The rows of a page as `scan.ts` reads them: (sid, ts, line, fields, f, r). */
export function pageSql(q: PageQuery): string {
  const desc = q.direction === "backward" ? " DESC" : "";
  return `SELECT ${streamIndexSql(q.streams)} AS sid, ts, line, fields::VARCHAR,
      file_index::INTEGER AS f, file_row_number AS r
    FROM ${readLogs(q.paths, true)}
    WHERE ts >= ${tsLiteral(q.lo)} AND ts < ${tsLiteral(q.hi)}${streamFilterSql(q.streams)}
      ${lineFilterSql(q.filters)}${afterSql(q.after, q.direction)}
    ORDER BY ts${desc}, f${desc}, r${desc}
    LIMIT ${q.limit}`;
}

/** Rows strictly after `key` in the direction (the key is unique: time, file, row). */
function afterSql(key: RowKey | undefined, direction: PageQuery["direction"]): string {
  if (!key) return "";
  const [op, eq] = direction === "backward" ? ["<", "<="] : [">", ">="];
  const t = tsLiteral(key.ts);
  // The plain bound on ts alone is what DuckDB can push into the scan.
  return ` AND ts ${eq} ${t} AND (ts ${op} ${t} OR file_index ${op} ${key.file}
    OR (file_index = ${key.file} AND file_row_number ${op} ${key.row}))`;
}

/** A count by (stream, bucket), as {@link LogQuerier.buckets} asks. */
export interface BucketQuery {
  readonly paths: readonly string[];
  readonly streams: StreamChoice;
  readonly filters: readonly LineFilter[];
  readonly startNs: bigint;
  readonly bucketNs: bigint;
  readonly buckets: number;
}

/**
 * Rows (sid, bucket, count, bytes). Bucket k holds start + k·step < t ≤ start + (k+1)·step.
 * Grouping by the stream text and naming the streams afterwards measured faster than
 * grouping by the index (the ENUM cast then runs once per group, not per row).
 */
export function bucketsSql(q: BucketQuery): string {
  const end = q.startNs + BigInt(q.buckets) * q.bucketNs;
  // A time minus a start before 1897 may overflow BIGINT (for times up to 2188); HUGEINT
  // costs more, so only then.
  const wide = q.startNs < -(2n ** 61n) ? "::HUGEINT" : "";
  return `SELECT ${streamIndexSql(q.streams)} AS sid, b, n, bytes FROM (
      SELECT stream, ((epoch_ns(ts)${wide} - (${q.startNs}) - 1) // ${q.bucketNs})::INTEGER AS b,
        count(*)::DOUBLE AS n, sum(line_bytes)::DOUBLE AS bytes
      FROM ${readLogs(q.paths)}
      WHERE ts > ${tsLiteral(q.startNs)} AND ts <= ${tsLiteral(end)}${streamFilterSql(q.streams)}
        ${lineFilterSql(q.filters)}
      GROUP BY ALL)`;
}
