/**
 * Rollup rows kept between queries, per (rollup file, metric): a dashboard over a week asks
 * for the same hours again on every refresh, and reading 168 rollup files through DuckDB cost
 * ~1 s a query where the joined rows cost milliseconds. Least recently used entries go first
 * once the rows pass `maxBytes`. Speed only: `query.cache_max_bytes: 0` leaves it out, and the
 * rollup differential test runs with and without it.
 */
import type { Labels } from "../../shared/model/labels.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { ALL_TIME } from "./parquet/reader.ts";
import { readRollupFiles } from "./parquet/rollup_reader.ts";
import { ROLLUP_FLOATS, type RollupRows, type TimeRange } from "./storage.ts";

/** Bytes a row holds: the float columns and the whole-number flag. */
const ROW_BYTES = ROLLUP_FLOATS.length * 8 + 1;

/** Decoded rollup rows of (file, metric) entries. */
export class RollupCache {
  private readonly entries = new Map<string, readonly RollupRows[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The entry's rows, read by `load` when not held; used entries move to the back. */
  async get(key: string, load: () => Promise<RollupRows[]>): Promise<readonly RollupRows[]> {
    const held = this.entries.get(key);
    if (held !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, held);
      return held;
    }
    const rows = await load();
    const size = sizeOf(rows);
    if (size > this.maxBytes) return rows;
    this.entries.set(key, rows);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
    return rows;
  }
}

function sizeOf(rows: readonly RollupRows[]): number {
  let n = 0;
  for (const r of rows) n += r.length * ROW_BYTES + 64 * r.labels.length;
  return n;
}

/**
 * The rows of `files` (in hour order) for `metrics`, through the cache: each (file, metric)
 * is read whole once, then joined per series for the range.
 */
export async function cachedRollups(
  cache: RollupCache,
  files: readonly FileEntry[],
  metrics: readonly string[],
  localPath: (file: number) => Promise<string>,
  match: (labels: Labels) => boolean,
  range: TimeRange,
): Promise<RollupRows[]> {
  const perFile = await Promise.all(
    files.flatMap((f, i) =>
      metrics.map((m) =>
        cache.get(`${f.key}\u0000${m}`, async () =>
          readRollupFiles([await localPath(i)], { metrics: [m], ...ALL_TIME }),
        ),
      ),
    ),
  );
  return joinRollups(perFile, match, range);
}

/**
 * Joins per-file rows (files in hour order) into one `RollupRows` per series, keeping the
 * series `match` accepts and the rows whose window ends in `range`; unsorted.
 */
export function joinRollups(
  files: readonly (readonly RollupRows[])[],
  match: (labels: Labels) => boolean,
  range: TimeRange,
): RollupRows[] {
  const bySeries = new Map<string, { labels: Labels; parts: [RollupRows, number, number][] }>();
  for (const rows of files) {
    for (const r of rows) {
      let lo = 0;
      while (lo < r.length && r.ends[lo] < range.start) lo++;
      let hi = lo;
      while (hi < r.length && r.ends[hi] <= range.end) hi++;
      if (hi === lo) continue;
      const key = r.labels.join("\xff");
      let s = bySeries.get(key);
      if (s === undefined) {
        if (!match(r.labels)) continue;
        s = { labels: r.labels, parts: [] };
        bySeries.set(key, s);
      }
      s.parts.push([r, lo, hi]);
    }
  }
  return [...bySeries.values()].map((s) => concat(s.labels, s.parts));
}

function concat(labels: Labels, parts: readonly [RollupRows, number, number][]): RollupRows {
  let n = 0;
  for (const [, lo, hi] of parts) n += hi - lo;
  const whole = new Uint8Array(n);
  const floats = ROLLUP_FLOATS.map(() => new Float64Array(n));
  let at = 0;
  // Element loops: parts are a few rows each, where subarray() views cost more than the copy.
  for (const [r, lo, hi] of parts) {
    for (let c = 0; c < ROLLUP_FLOATS.length; c++) {
      const from = r[ROLLUP_FLOATS[c]];
      const to = floats[c];
      for (let i = lo, j = at; i < hi; i++, j++) to[j] = from[i];
    }
    for (let i = lo, j = at; i < hi; i++, j++) whole[j] = r.whole[i];
    at += hi - lo;
  }
  const [ends, count, min, max, sum, firstTs, first, lastTs, last, resets, resetSum] = floats;
  const cols = { ends, count, min, max, sum, firstTs, first, lastTs, last, resets, resetSum };
  return { labels, length: n, whole, ...cols };
}
