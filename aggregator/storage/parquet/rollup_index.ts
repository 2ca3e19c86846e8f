/**
 * A rollup file's series index: for each metric, one key-value entry of the Parquet footer,
 * `outpost_series:<metric>`, whose value is a zstd-compressed table of columns — each series'
 * `labels` (the text of its `labels` column), the first `row` of its run of rows and their
 * count `n`, its first and last window ends `t0` and `t1` (Unix ms) and its rows' `bound`
 * (storage.ts `sumBound`; unknown when not finite) — and a marker entry
 * `outpost_series_index` naming the entries' format: '2', binary (rollup_index_binary.ts), as
 * written now; '1', a JSON object of the same columns (null bounds unknown), as written before
 * 2026-11-26 and still read. The writer (rollup.ts) lists the rows it is about to copy; the
 * reader (rollup_reader.ts) reads the entries of the metrics it wants instead of decoding the
 * `labels` of every row (docs/storage.md, docs/benchmarks.md). Compressed, an entry is a few
 * per cent of the file.
 */
import { zstdDecompressSync } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  decodeEntry,
  type EntryColumns,
  encodeEntry,
  type LabelTexts,
} from "./rollup_index_binary.ts";
import { sqlList, sqlString } from "./schema.ts";

/** The marker entry's key. */
export const INDEX_KEY = "outpost_series_index";
/** The format written, and the one before it, still read. */
const INDEX_FORMAT = "2";
const JSON_FORMAT = "1";

/** Each metric's entry is this prefix and the metric name. */
export const SERIES_KEY_PREFIX = "outpost_series:";

/**
 * A file's index is written while its entries together stay under `maxBytes` uncompressed
 * (~360,000 series of ~150-byte label sets), and a reader decompresses no entry past it. Tests
 * lower it.
 */
export const rollupIndexLimits = { maxBytes: 64 << 20 };

/** zstd level of the entries: ~13 ms a 1 MB entry. */
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
      SELECT metric, labels::VARCHAR, min(rowid)::DOUBLE AS r, count(*)::DOUBLE AS n,
        (max(rowid) - min(rowid) + 1)::DOUBLE AS span,
        epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE, ${SUM_BOUND_SQL}
      FROM ${table} GROUP BY metric, labels ORDER BY metric, r`)
  ).getRowsJS() as [string, string, number, number, number, number, number, number][];
  // DuckDB's struct field names are case-insensitive: metric names that differ only in case
  // (which Prometheus allows) cannot both be keys, and such a file goes without an index.
  const names = new Set(rows.map(([m]) => m));
  if (new Set([...names].map((m) => m.toLowerCase())).size < names.size) return "";
  const entries = [`${INDEX_KEY}: ${sqlString(INDEX_FORMAT)}`];
  let bytes = 0;
  for (let from = 0; from < rows.length; ) {
    const metric = rows[from][0];
    let to = from;
    while (to < rows.length && rows[to][0] === metric) to++;
    const run = rows.slice(from, to);
    from = to;
    // A series whose rows are not one run cannot be indexed (never, for sorted rows), nor one
    // without a labels text (never either).
    if (run.some(([, labels, , n, span]) => n !== span || typeof labels !== "string")) return "";
    const entry = encodeEntry({
      labels: run.map((r) => r[1]),
      row: run.map((r) => r[2]),
      n: run.map((r) => r[3]),
      t0: run.map((r) => r[5]),
      t1: run.map((r) => r[6]),
      bound: run.map((r) => r[7]),
    });
    if (entry === null) return "";
    bytes += entry.length;
    if (bytes > rollupIndexLimits.maxBytes) return "";
    // Compressed off the JS thread: a compaction must not hold up queries for it.
    const zstd = Buffer.from(await Bun.zstdCompress(entry, { level: LEVEL }));
    entries.push(`${quoteKey(SERIES_KEY_PREFIX + metric)}: from_hex('${zstd.toString("hex")}')`);
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
export interface IndexEntry extends EntryColumns {
  readonly metric: string;
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
  const formats = new Map<number, string>();
  const found = new Map<number, [string, Uint8Array][]>();
  for (const [name, key, value] of rows) {
    const f = place.get(name);
    if (f === undefined) continue;
    if (key === INDEX_KEY) {
      const format = Buffer.from(value).toString();
      if (format === INDEX_FORMAT || format === JSON_FORMAT) formats.set(f, format);
      continue;
    }
    const list = found.get(f) ?? [];
    list.push([key.slice(SERIES_KEY_PREFIX.length), value]);
    found.set(f, list);
  }
  const out = new Map<number, IndexEntry[]>();
  // By metric, the texts of its entry decoded last (rollup_index_binary.ts `LabelTexts`).
  const texts = new Map<string, LabelTexts>();
  for (const [f, format] of formats) {
    const entries: IndexEntry[] = [];
    // The limit holds for a file's entries together, as the writer's does.
    let budget = rollupIndexLimits.maxBytes;
    for (const [metric, value] of found.get(f) ?? []) {
      const entry = parseEntry(metric, value, budget, format, texts);
      if (!entry || !within(entry, start, end)) break;
      budget -= entry.bytes;
      entries.push(entry);
    }
    if (entries.length === (found.get(f)?.length ?? 0)) out.set(f, entries);
  }
  return out;
}

/** An entry's value decompressed (to at most `budget` bytes), decoded and checked, or null. */
function parseEntry(
  metric: string,
  value: Uint8Array,
  budget: number,
  format: string,
  texts: Map<string, LabelTexts>,
): (IndexEntry & { bytes: number }) | null {
  let e: EntryColumns | null;
  let bytes: number;
  try {
    const raw = zstdDecompressSync(value, { maxOutputLength: Math.max(1, budget) });
    bytes = raw.length;
    if (format === INDEX_FORMAT) {
      const decoded = decodeEntry(raw, texts.get(metric));
      if (decoded !== null) texts.set(metric, decoded.texts);
      e = decoded;
    } else e = fromJson(JSON.parse(raw.toString()));
  } catch {
    return null;
  }
  if (e === null) return null;
  const { labels, row, n, t0, t1, bound } = e;
  for (let i = 0; i < labels.length; i++) {
    if (
      typeof labels[i] !== "string" ||
      !Number.isSafeInteger(row[i]) ||
      row[i] < 0 ||
      !Number.isSafeInteger(n[i]) ||
      n[i] <= 0 ||
      !Number.isFinite(t0[i]) ||
      !Number.isFinite(t1[i]) ||
      typeof bound[i] !== "number"
    )
      return null;
  }
  return { metric, labels, row, n, t0, t1, bound, bytes };
}

/**
 * A format-1 entry's columns (JSON arrays of equal length; null bounds unknown, made NaN), or
 * null when it is not that shape.
 */
function fromJson(e: unknown): EntryColumns | null {
  if (typeof e !== "object" || e === null) return null;
  const { labels, row, n, t0, t1, bound } = e as Record<string, unknown>;
  const cols = [labels, row, n, t0, t1, bound];
  if (!cols.every(Array.isArray)) return null;
  const length = (labels as unknown[]).length;
  if (!cols.every((c) => (c as unknown[]).length === length)) return null;
  return {
    labels: labels as string[],
    row: row as number[],
    n: n as number[],
    t0: t0 as number[],
    t1: t1 as number[],
    bound: (bound as unknown[]).map((b) => (b === null ? Number.NaN : (b as number))),
  };
}

/** Whether every series of `entry` lies within [start, end]. */
function within(entry: IndexEntry, start: number, end: number): boolean {
  for (let i = 0; i < entry.labels.length; i++) {
    if (entry.t0[i] < start || entry.t1[i] > end) return false;
  }
  return true;
}
