/**
 * A rollup file's series index: for each metric, one key-value entry of the Parquet footer,
 * `outpost_series:<metric>`, whose value is a zstd-compressed JSON object of columns — each
 * series' `labels` (the text of its `labels` column), the first `row` of its run of rows and
 * their count `n`, its first and last window ends `t0` and `t1` (Unix ms) and its rows' `bound`
 * (storage.ts `sumBound`; null when not finite) — and a marker entry `outpost_series_index: '1'`
 * saying the file has one in this format. The writer (rollup.ts) lists the rows it is about to
 * copy; the reader (rollup_reader.ts) reads the entries of the metrics it wants instead of
 * decoding the `labels` of every row (docs/storage.md, docs/benchmarks.md). Compressed, an
 * entry is ~11 bytes a series (15× less than its JSON), a few per cent of the file.
 */
import { zstdDecompressSync } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlList, sqlString } from "./schema.ts";

/** The marker entry's key, and the index format it names. */
export const INDEX_KEY = "outpost_series_index";
const INDEX_FORMAT = "1";

/** Each metric's entry is this prefix and the metric name. */
export const SERIES_KEY_PREFIX = "outpost_series:";

/**
 * A file's index is written while its entries' JSON together stays under `maxBytes` (~400,000
 * series of ~150-byte label sets), and a reader decompresses no entry past it. Tests lower it.
 */
export const rollupIndexLimits = { maxBytes: 64 << 20 };

/** zstd level of the entries: 15× smaller than their JSON, ~13 ms a 1 MB entry. */
const LEVEL = 9;

/**
 * The SQL of the `sumBound` (storage.ts `RollupRows`) of a group of rollup rows: Σ count ·
 * max(|min|, |max|), infinite unless every row is whole, and wherever a value is missing
 * (DuckDB's `sum` and `greatest` skip NULLs).
 */
export const SUM_BOUND_SQL = `CASE WHEN bool_and(whole IS NOT NULL AND whole)
    AND bool_and(min IS NOT NULL) AND bool_and(max IS NOT NULL) AND bool_and(count IS NOT NULL)
  THEN sum(count * greatest(abs(min), abs(max)))::DOUBLE ELSE 'inf'::DOUBLE END`;

/**
 * The KV_METADATA entries (an SQL struct's fields, to follow others) of the index of `table`,
 * a table of rollup rows in the order they will be written (rows sorted by metric, labels and
 * time: each series one run, its place its `rowid`); "" when the index would pass
 * `rollupIndexLimits.maxBytes`.
 */
export async function indexEntries(conn: DuckDBConnection, table: string): Promise<string> {
  const rows = (
    await conn.runAndReadAll(`
      SELECT metric, to_json({
        labels: list(labels ORDER BY r), row: list(r ORDER BY r), n: list(n ORDER BY r),
        t0: list(t0 ORDER BY r), t1: list(t1 ORDER BY r),
        bound: list(CASE WHEN isfinite(b) THEN b END ORDER BY r)
      })::VARCHAR, bool_and(n = span)
      FROM (
        SELECT metric, labels::VARCHAR AS labels, min(rowid)::BIGINT AS r, count(*)::BIGINT AS n,
          (max(rowid) - min(rowid) + 1)::BIGINT AS span,
          epoch_ms(min(ts)) AS t0, epoch_ms(max(ts)) AS t1, ${SUM_BOUND_SQL} AS b
        FROM ${table} GROUP BY metric, labels
      ) GROUP BY metric ORDER BY metric`)
  ).getRowsJS() as [string, string, boolean][];
  let bytes = 0;
  for (const [, json, oneRun] of rows) {
    // A series whose rows are not one run cannot be indexed (never, for sorted rows).
    if (!oneRun) return "";
    bytes += Buffer.byteLength(json);
  }
  if (bytes > rollupIndexLimits.maxBytes) return "";
  // DuckDB's struct field names are case-insensitive: metric names that differ only in case
  // (which Prometheus allows) cannot both be keys, and such a file goes without an index.
  if (new Set(rows.map(([m]) => m.toLowerCase())).size < rows.length) return "";
  const entries = [`${INDEX_KEY}: ${sqlString(INDEX_FORMAT)}`];
  for (const [m, json] of rows) {
    // Compressed off the JS thread: a compaction must not hold up queries for it.
    const zstd = Buffer.from(await Bun.zstdCompress(json, { level: LEVEL }));
    entries.push(`${quoteKey(SERIES_KEY_PREFIX + m)}: from_hex('${zstd.toString("hex")}')`);
  }
  return entries.join(", ");
}

/** A struct field name in SQL. */
function quoteKey(key: string): string {
  return `"${key.replaceAll('"', '""')}"`;
}

/**
 * Whether the runs of `table`'s rows (by `rowid`, what the index was made from) are where the
 * COPY put them in the file at `path`: the writer's check of the one assumption the index rests
 * on, that DuckDB writes a table's rows in their order. A scan in the files' order checks rows
 * against runs, but not which series a run is: an index that named the wrong series would give
 * wrong answers, so the writer makes sure of it (the index and this check: 11–17 % more of a
 * rollup's write, docs/benchmarks.md).
 */
export async function indexMatches(
  conn: DuckDBConnection,
  table: string,
  path: string,
): Promise<boolean> {
  const runs = (rows: string, row: string) => `SELECT metric, labels::VARCHAR, min(${row})::BIGINT,
      count(*)::BIGINT, (max(${row}) - min(${row}) + 1)::BIGINT FROM ${rows} GROUP BY ALL`;
  const [[same]] = (
    await conn.runAndReadAll(`
      WITH a AS (${runs(table, "rowid")}),
        b AS (${runs(`read_parquet(${sqlString(path)}, file_row_number = true)`, "file_row_number")})
      SELECT (SELECT count(*) FROM a) = (SELECT count(*) FROM b)
        AND NOT EXISTS (SELECT * FROM a EXCEPT SELECT * FROM b)`)
  ).getRowsJS() as [[boolean]];
  return same;
}

/** One metric's entry of a file's index: its series' runs of rows, in row order. */
export interface IndexEntry {
  readonly metric: string;
  readonly labels: readonly string[];
  readonly row: readonly number[];
  readonly n: readonly number[];
  readonly t0: readonly number[];
  readonly t1: readonly number[];
  /** null where not finite. */
  readonly bound: readonly (number | null)[];
}

/**
 * The index entries of `metrics` (all when absent) of each file of `paths` (by its place in
 * them) whose index serves a read of [start, end]. A file is left out (and is to be listed from
 * its rows) when it has no index, one in a format not known here, an entry that does not
 * decompress within the limit, parse or hold together, or a series whose rows reach past the
 * range (the index counts a file's rows, not a range's).
 */
export async function readIndexes(
  conn: DuckDBConnection,
  paths: readonly string[],
  metrics: readonly string[] | undefined,
  start: number,
  end: number,
): Promise<Map<number, IndexEntry[]>> {
  const wanted = metrics
    ? `k IN (${sqlList(metrics.map((m) => SERIES_KEY_PREFIX + m)).slice(1, -1)})`
    : `starts_with(k, ${sqlString(SERIES_KEY_PREFIX)})`;
  // A key that is not UTF-8 (another tool's) is no key of ours: `try` makes it NULL.
  const rows = (
    await conn.runAndReadAll(
      `SELECT file_name, k, value FROM (
         SELECT file_name, try(decode(key)) AS k, value
         FROM parquet_kv_metadata(${sqlList(paths)})
       ) WHERE k = ${sqlString(INDEX_KEY)} OR ${wanted}`,
    )
  ).getRowsJS() as [string, string, Uint8Array][];
  const place = new Map(paths.map((p, f) => [p, f]));
  const marked = new Set<number>();
  const found = new Map<number, [string, Uint8Array][]>();
  for (const [name, key, value] of rows) {
    const f = place.get(name);
    if (f === undefined) continue;
    if (key === INDEX_KEY) {
      if (Buffer.from(value).toString() === INDEX_FORMAT) marked.add(f);
      continue;
    }
    const list = found.get(f) ?? [];
    list.push([key.slice(SERIES_KEY_PREFIX.length), value]);
    found.set(f, list);
  }
  const out = new Map<number, IndexEntry[]>();
  for (const f of marked) {
    const entries: IndexEntry[] = [];
    // The limit holds for a file's entries together, as the writer's does.
    let budget = rollupIndexLimits.maxBytes;
    for (const [metric, value] of found.get(f) ?? []) {
      const entry = parseEntry(metric, value, budget);
      if (!entry || !within(entry, start, end)) break;
      budget -= entry.bytes;
      entries.push(entry);
    }
    if (entries.length === (found.get(f)?.length ?? 0)) out.set(f, entries);
  }
  return out;
}

/** An entry's value decompressed (to at most `budget` bytes) and checked, or null. */
function parseEntry(
  metric: string,
  value: Uint8Array,
  budget: number,
): (IndexEntry & { bytes: number }) | null {
  let e: Omit<IndexEntry, "metric">;
  let bytes: number;
  try {
    const json = zstdDecompressSync(value, { maxOutputLength: Math.max(1, budget) });
    bytes = json.length;
    e = JSON.parse(json.toString());
  } catch {
    return null;
  }
  if (typeof e !== "object" || e === null) return null;
  const { labels, row, n, t0, t1, bound } = e;
  const cols = [labels, row, n, t0, t1, bound];
  if (!cols.every(Array.isArray) || !cols.every((c) => c.length === labels.length)) return null;
  for (let i = 0; i < labels.length; i++) {
    const b = bound[i];
    if (
      typeof labels[i] !== "string" ||
      !Number.isSafeInteger(row[i]) ||
      row[i] < 0 ||
      !Number.isSafeInteger(n[i]) ||
      n[i] <= 0 ||
      typeof t0[i] !== "number" ||
      typeof t1[i] !== "number" ||
      (b !== null && typeof b !== "number")
    )
      return null;
  }
  return { metric, labels, row, n, t0, t1, bound, bytes };
}

/** Whether every series of `entry` lies within [start, end]. */
function within(entry: IndexEntry, start: number, end: number): boolean {
  for (let i = 0; i < entry.labels.length; i++) {
    if (entry.t0[i] < start || entry.t1[i] > end) return false;
  }
  return true;
}
