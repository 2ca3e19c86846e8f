/**
 * Puts log records into file order in O(n) on typed arrays: grouped by stream rank (counting
 * sort, stable), ascending time within a stream, input order among equal times. Records of a
 * stream usually arrive in time order, so the per-stream sort is mostly a check.
 */
import { labelsToJson } from "../schema.ts";
import type { LogRows } from "./schema.ts";

/** The distinct streams of a write in file order. */
export interface RankedStreams {
  /** `stream` values (canonical JSON), distinct, in UTF-8 byte order (DuckDB's string order). */
  readonly texts: string[];
  /** Per entry of `rows.streams`: the index of its text in `texts`. */
  readonly rankOf: Int32Array;
}

/** Ranks the label sets of `streams` by their JSON text; equal label sets share a rank. */
export function rankStreams(streams: LogRows["streams"]): RankedStreams {
  const jsons = streams.map(labelsToJson);
  const bytes = new Map<string, Buffer>();
  for (const j of jsons) if (!bytes.has(j)) bytes.set(j, Buffer.from(j));
  const texts = [...bytes.keys()].sort((a, b) => Buffer.compare(bytes.get(a)!, bytes.get(b)!));
  const rank = new Map(texts.map((t, i) => [t, i]));
  return { texts, rankOf: Int32Array.from(jsons, (j) => rank.get(j)!) };
}

/** Records in file order: `order[k]` is the input index of the k-th row, `rank[k]` its stream. */
export interface FileOrder {
  readonly order: Int32Array;
  readonly rank: Int32Array;
}

/** Sorts the records of `rows` by (stream rank, time, input index). */
export function sortLogRows(rows: LogRows, ranked: RankedStreams): FileOrder {
  const n = rows.length;
  const ranks = ranked.texts.length;
  const of = rankOfRows(rows, ranked.rankOf);
  const starts = new Int32Array(ranks + 1);
  for (let i = 0; i < n; i++) starts[of[i] + 1]++;
  for (let g = 0; g < ranks; g++) starts[g + 1] += starts[g];
  const next = starts.slice(0, ranks);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[next[of[i]]++] = i;
  // Nanosecond times compared as (signed high word, unsigned low word): reading a
  // BigInt64Array element allocates a BigInt.
  const t = rows.timeNs;
  const hi = new Int32Array(t.buffer, t.byteOffset, 2 * n);
  const lo = new Uint32Array(t.buffer, t.byteOffset, 2 * n);
  const before = (a: number, b: number) =>
    hi[2 * a + 1] - hi[2 * b + 1] || lo[2 * a] - lo[2 * b] || a - b;
  const rank = new Int32Array(n);
  for (let g = 0; g < ranks; g++) {
    const group = order.subarray(starts[g], starts[g + 1]);
    rank.fill(g, starts[g], starts[g + 1]);
    if (!ascending(group, before)) group.sort(before);
  }
  return { order, rank };
}

function rankOfRows(rows: LogRows, rankOf: Int32Array): Int32Array {
  const of = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const s = rows.stream[i];
    if (!(s >= 0 && s < rankOf.length)) {
      throw new RangeError(`Cannot sort log rows: row ${i} names stream ${s} of ${rankOf.length}`);
    }
    of[i] = rankOf[s];
  }
  return of;
}

function ascending(group: Int32Array, before: (a: number, b: number) => number): boolean {
  for (let k = 1; k < group.length; k++) if (before(group[k - 1], group[k]) > 0) return false;
  return true;
}
