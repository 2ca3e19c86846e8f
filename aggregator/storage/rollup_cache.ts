/**
 * Rollup rows kept between queries. A dashboard over a week asks for the same hours again on
 * every refresh: reading 168 rollup files through DuckDB cost ~1 s a query, and joining their
 * ~170,000 (file, series) pieces into per-series arrays ~100 ms more. So two kinds of entry:
 * each (rollup file, metric) read whole once, and each joined run — one series' rows across
 * the hourly files of a cover, joined once, with running totals (rollup_rows.ts) — which a
 * query then only slices (views, no copy). When the cover moves on by an hour, the new run
 * is joined from the files still held. Least recently used entries go first once the rows pass
 * `maxBytes`. A run larger than `maxBytes` is never held, so neither are its files' entries:
 * they go in only with a run that fits, as each would only push out entries that can be of use
 * (a month of a 6,696-series counter's 1 h rows, 545 MB, emptied the cache of every other
 * metric's run at each query). Speed only: `query.cache_max_bytes: 0` leaves it out, and the rollup
 * differential test runs with and without it.
 */
import { compareLabels, type Labels } from "../../shared/model/labels.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { ALL_TIME } from "./parquet/reader.ts";
import { readRollupFiles } from "./parquet/rollup_reader.ts";
import { rollupColumns, rollupRows, sliceRows } from "./rollup_rows.ts";
import { ROLLUP_FLOATS, type RollupRows, type TimeRange } from "./storage.ts";

/** Bytes a row holds: the float columns, two running totals and the whole-number flag. */
const ROW_BYTES = (ROLLUP_FLOATS.length + 2) * 8 + 1;

/** Decoded rollup rows of (file, metric) entries and of joined runs. */
export class RollupCache {
  private readonly entries = new Map<string, readonly RollupRows[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The entry's rows when held (it then moves to the back), else undefined. */
  lookup(key: string): readonly RollupRows[] | undefined {
    const held = this.entries.get(key);
    if (held === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, held);
    return held;
  }

  /** Whether rows of `bytes` can be held at all. */
  fits(bytes: number): boolean {
    return bytes <= this.maxBytes;
  }

  /** Holds `rows` under `key` when they fit, least recently used entries going first. */
  put(key: string, rows: readonly RollupRows[]): void {
    const size = sizeOf(rows);
    if (!this.fits(size) || this.entries.has(key)) return;
    this.entries.set(key, rows);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
  }

  /** The entry's rows, read by `load` and held when not held. */
  async get(key: string, load: () => Promise<RollupRows[]>): Promise<readonly RollupRows[]> {
    const held = this.lookup(key);
    if (held !== undefined) return held;
    const rows = await load();
    this.put(key, rows);
    return rows;
  }
}

function sizeOf(rows: readonly RollupRows[]): number {
  let n = 0;
  for (const r of rows) n += r.length * ROW_BYTES + 64 * r.labels.length;
  return n;
}

/**
 * The rows of `files` (in hour order) for `metrics`, through the cache: the joined run of
 * each metric over exactly these files, its series `match` accepts, sliced to `range`.
 */
export async function cachedRollups(
  cache: RollupCache,
  files: readonly FileEntry[],
  metrics: readonly string[],
  localPath: (file: number) => Promise<string>,
  match: (labels: Labels) => boolean,
  range: TimeRange,
): Promise<RollupRows[]> {
  const runs = await Promise.all(
    metrics.map(async (m) => {
      const runKey = `run\u0000${m}\u0000${files.map((f) => f.key).join("\u0000")}`;
      const held = cache.lookup(runKey);
      if (held !== undefined) return held;
      const fileKeys = files.map((f) => `file\u0000${f.key}\u0000${m}`);
      const perFile = await Promise.all(
        files.map(
          async (_, i) =>
            cache.lookup(fileKeys[i]) ??
            readRollupFiles([await localPath(i)], { metrics: [m], ...ALL_TIME }),
        ),
      );
      // Sorted once here, so that every query's slice of it comes out sorted.
      const run = joinRollups(perFile).sort((a, b) => compareLabels(a.labels, b.labels));
      // The files' entries go in only with a run that fits, before it (it is used first).
      if (cache.fits(sizeOf(run))) {
        for (let i = 0; i < files.length; i++) cache.put(fileKeys[i], perFile[i]);
        cache.put(runKey, run);
      }
      return run;
    }),
  );
  const out: RollupRows[] = [];
  for (const run of runs) {
    for (const s of run) {
      if (!match(s.labels)) continue;
      const rows = sliceRows(s, range);
      if (rows.length > 0) out.push(rows);
    }
  }
  return out;
}

/** Joins per-file rows (files in hour order) into one `RollupRows` per series; unsorted. */
function joinRollups(files: readonly (readonly RollupRows[])[]): RollupRows[] {
  const bySeries = new Map<string, { labels: Labels; parts: [RollupRows, number, number][] }>();
  for (const rows of files) {
    for (const r of rows) {
      if (r.length === 0) continue;
      const key = r.labels.join("\xff");
      let s = bySeries.get(key);
      if (s === undefined) {
        s = { labels: r.labels, parts: [] };
        bySeries.set(key, s);
      }
      s.parts.push([r, 0, r.length]);
    }
  }
  return [...bySeries.values()].map((s) => concat(s.labels, s.parts));
}

function concat(labels: Labels, parts: readonly [RollupRows, number, number][]): RollupRows {
  if (parts.length === 1 && parts[0][1] === 0 && parts[0][2] === parts[0][0].length) {
    return parts[0][0];
  }
  let n = 0;
  for (const [, lo, hi] of parts) n += hi - lo;
  const cols = rollupColumns(n);
  let at = 0;
  // Element loops: parts are a few rows each, where subarray() views cost more than the copy.
  for (const [r, lo, hi] of parts) {
    for (const f of ROLLUP_FLOATS) {
      const from = r[f];
      const to = cols[f];
      for (let i = lo, j = at; i < hi; i++, j++) to[j] = from[i];
    }
    for (let i = lo, j = at; i < hi; i++, j++) cols.whole[j] = r.whole[i];
    at += hi - lo;
  }
  return rollupRows(labels, n, cols);
}
