/**
 * The series listing of a read (the temp table `ser`: the key columns and a row count a series)
 * as hashes and counts, its label sets taken from the reader's intern (series_intern.ts) and
 * only new series' texts read: two numbers a known series instead of a string and its JSON.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { scanChunks } from "./chunks.ts";
import { type Building, buildingOf } from "./fill.ts";
import { labelsFromRow } from "./schema.ts";
import { type Interned, internKeySql, type SeriesIntern } from "./series_intern.ts";

/**
 * Up to this many series not seen before have their texts read by hash; more, and every
 * listed text is read (the first file of a metric).
 */
const TEXTS_BY_HASH = 2_048;

/**
 * The listing of `ser` as hashes and counts, its label sets from `intern` (texts read only for
 * series not in it), or null when two series share the unsalted hash (rows could not be told
 * apart by it: the salted listing then reads every text).
 */
export async function listByHash(
  conn: DuckDBConnection,
  key: string,
  metric: string,
  intern: SeriesIntern,
): Promise<{ series: Building[]; listed: number; hash: string } | null> {
  const hash = `hash(${key})`;
  const [a, b] = internKeySql(metric);
  const cols = await columns(
    conn,
    `SELECT ${hash}, ${a}, ${b}, n::DOUBLE FROM ser ORDER BY ${key}`,
  );
  const [route, ka, kb] = cols.words;
  const n = cols.counts.length;
  if (!distinct(route, n)) return null;
  const found = new Array<Interned | undefined>(n);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    found[i] = intern.get(ka[2 * i], ka[2 * i + 1], kb[2 * i], kb[2 * i + 1]);
    if (found[i] === undefined) missing.push(i);
  }
  if (missing.length > 0) {
    const texts = await textsFor(conn, key, metric, hash, route, missing, n);
    for (const i of missing) {
      const [m, json] = texts.get(i) ?? [];
      if (m === undefined || json === undefined) {
        throw new Error("the series listing changed between two reads of it");
      }
      const labels = labelsFromRow(m, json);
      found[i] = intern.add(ka[2 * i], ka[2 * i + 1], kb[2 * i], kb[2 * i + 1], labels);
    }
  }
  const series = new Array<Building>(n);
  for (let i = 0; i < n; i++) {
    const s = found[i] as Interned;
    series[i] = buildingOf(s.labels, route[2 * i], route[2 * i + 1], cols.counts[i], s.hash);
  }
  return { series, listed: n, hash };
}

/** The (metric, labels text) of the listing's rows `missing`, by row. */
async function textsFor(
  conn: DuckDBConnection,
  key: string,
  metric: string,
  hash: string,
  route: Uint32Array,
  missing: readonly number[],
  n: number,
): Promise<Map<number, [string, string]>> {
  const out = new Map<number, [string, string]>();
  if (missing.length > TEXTS_BY_HASH || missing.length === n) {
    const reader = await conn.runAndReadAll(
      `SELECT ${metric}, labels::VARCHAR FROM ser ORDER BY ${key}`,
    );
    reader.getRowsJS().forEach((r, i) => {
      out.set(i, [r[0] as string, r[1] as string]);
    });
    return out;
  }
  const rowOf = new Map(missing.map((i) => [wordsToString(route, i), i]));
  const reader = await conn.runAndReadAll(
    `SELECT ${hash}::VARCHAR, ${metric}, labels::VARCHAR FROM ser WHERE ${hash} IN (${[
      ...rowOf.keys(),
    ]
      .map((h) => `${h}::UBIGINT`)
      .join(", ")})`,
  );
  for (const [h, m, json] of reader.getRowsJS()) {
    const i = rowOf.get(h as string);
    if (i !== undefined) out.set(i, [m as string, json as string]);
  }
  return out;
}

/** A query's UBIGINT columns as pairs of 32-bit words, and its last (DOUBLE) column. */
async function columns(
  conn: DuckDBConnection,
  sql: string,
): Promise<{ words: Uint32Array[]; counts: Float64Array }> {
  const parts: { words: Uint32Array[]; counts: Float64Array }[] = [];
  await scanChunks(conn, sql, (view) => {
    const words = [0, 1, 2].map((c) => {
      const f = view.f64(c);
      return new Uint32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
    });
    parts.push({ words, counts: view.f64(3).slice() });
  });
  const total = parts.reduce((s, p) => s + p.counts.length, 0);
  const words = [0, 1, 2].map(() => new Uint32Array(2 * total));
  const counts = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    for (let c = 0; c < 3; c++) words[c].set(p.words[c], 2 * at);
    counts.set(p.counts, at);
    at += p.counts.length;
  }
  return { words, counts };
}

/** True when no two of the `n` 64-bit values in `words` are equal. */
function distinct(words: Uint32Array, n: number): boolean {
  const sorted = new BigUint64Array(words.buffer.slice(0, 8 * n)).sort();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) return false;
  return true;
}

/** The 64-bit value at `i` of `words` as a decimal string, as DuckDB prints a UBIGINT. */
function wordsToString(words: Uint32Array, i: number): string {
  return String((BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]));
}
