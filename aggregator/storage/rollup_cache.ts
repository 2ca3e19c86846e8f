/**
 * Rollup rows kept between queries. A dashboard over a week asks for the same hours again on
 * every refresh: reading 168 rollup files through DuckDB cost ~1 s a query, and joining their
 * ~170,000 (file, series) pieces into per-series arrays ~100 ms more. So the cache holds joined
 * runs — one metric's series across the files of a cover, each series' rows joined once, with
 * running totals (rollup_rows.ts) — which a query then only slices (views, no copy). A run
 * also records where each of its files' rows sit in it, so when the cover moves on by an hour
 * the new run is joined from the rows held and the new file alone; the files' rows are not held
 * a second time. Runs are of the columns a read asked for (rollup_reader.ts); a run of more
 * columns, and its files' rows, serve a read of fewer. Least recently used runs go first once
 * their rows pass `maxBytes`. A run larger than `maxBytes` is never held, as it would only push
 * out runs that can be of use (a month of a 6,696-series counter's 1 h rows of every column,
 * 545 MB before rows were held compactly, emptied the cache of every other metric's run at
 * each query; of `rate`'s columns they are now ~259 MB, and fit the default 256 MiB by 4 %).
 * Speed only: `query.cache_max_bytes: 0` leaves it out, and the rollup differential test runs
 * with and without it.
 */
import { compareLabels, type Labels } from "../../shared/model/labels.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { ALL_TIME } from "./parquet/reader.ts";
import { readRollupRuns } from "./parquet/rollup_reader.ts";
import type { RollupDisk } from "./rollup_disk.ts";
import {
  commonFields,
  copyRows,
  fieldsOf,
  type RowPlacement,
  readFields,
  rollupColumns,
  rollupRowBytes,
  rollupRows,
  rowPlacements,
  sliceRows,
} from "./rollup_rows.ts";
import type { RollupField, RollupRows, TimeRange } from "./storage.ts";

/** Rows [from, to) of one series (a file's rows) and their `sumBound`. */
type Part = readonly [rows: RollupRows, from: number, to: number, bound: number];

/** Decoded rollup rows of joined runs, and where each held file's rows sit in them. */
export class RollupCache {
  private readonly runs = new Map<string, { rows: readonly RollupRows[]; bytes: number }>();
  /** File key → where held runs (one a set of fields, the newest) hold the file's rows. */
  private readonly placed = new Map<string, Placed[]>();
  private bytes = 0;

  /** `disk`: runs kept between starts (rollup_disk.ts), read when memory lacks a run. */
  constructor(
    private readonly maxBytes: number,
    readonly disk?: RollupDisk,
  ) {}

  /** The run's rows when held (it then moves to the back), else undefined. */
  lookup(key: string): readonly RollupRows[] | undefined {
    const held = this.runs.get(key);
    if (held === undefined) return undefined;
    this.runs.delete(key);
    this.runs.set(key, held);
    return held.rows;
  }

  /**
   * A held run whose key is `prefix` then `,`-joined fields that include all of `fields` (a
   * run read for `max_over_time` serves `count_over_time`), else undefined.
   */
  covering(prefix: string, fields: readonly string[]): readonly RollupRows[] | undefined {
    for (const key of this.runs.keys()) {
      // The rest of a run of the same files is its fields alone (file keys end in \u0000).
      if (!key.startsWith(prefix) || key.includes("\u0000", prefix.length)) continue;
      const has = key.slice(prefix.length).split(",");
      if (fields.every((f) => has.includes(f))) return this.lookup(key);
    }
    return undefined;
  }

  /**
   * The rows of the file `key` as a held run of at least `fields` keeps them, one part a
   * series, else undefined.
   */
  fileParts(key: string, fields: readonly string[]): Part[] | undefined {
    const at = this.placed.get(key)?.find((p) => fields.every((f) => p.fields.includes(f)));
    const run = at && this.runs.get(at.run);
    return at === undefined || run === undefined ? undefined : partsAt(run.rows, at);
  }

  /**
   * Holds the run `rows` of `fields` under `key` when it fits, with where its files' rows sit
   * (by file key), least recently used runs going first.
   */
  put(
    key: string,
    rows: readonly RollupRows[],
    files: ReadonlyMap<string, RowPlacement>,
    fields: readonly string[],
  ): void {
    // Placements: two 32-bit offsets and a bound per file and series.
    const size = rollupBytes(rows) + files.size * rows.length * 16;
    if (size > this.maxBytes || this.runs.has(key)) return;
    this.runs.set(key, { rows, bytes: size });
    this.bytes += size;
    const same = fields.join(",");
    for (const [file, at] of files) {
      const others = (this.placed.get(file) ?? []).filter((p) => p.fields.join(",") !== same);
      this.placed.set(file, [{ run: key, fields, ...at }, ...others]);
    }
    for (const [k, v] of this.runs) {
      if (this.bytes <= this.maxBytes) break;
      this.runs.delete(k);
      this.bytes -= v.bytes;
      for (const [file, list] of this.placed) {
        const kept = list.filter((p) => p.run !== k);
        if (kept.length === 0) this.placed.delete(file);
        else if (kept.length < list.length) this.placed.set(file, kept);
      }
    }
  }
}

/** Where a held run of `fields` keeps one file's rows. */
type Placed = RowPlacement & { readonly run: string; readonly fields: readonly string[] };

/** The bytes `rows` count for against the cache's budget. */
export function rollupBytes(rows: readonly RollupRows[]): number {
  if (rows.length === 0) return 0;
  const row = rollupRowBytes(fieldsOf(rows[0]));
  let n = 0;
  for (const r of rows) n += r.length * row + 64 * r.labels.length;
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
  fields?: readonly RollupField[],
): Promise<RollupRows[]> {
  const read = (paths: string[], m: string) =>
    readRollupRuns(paths, { metrics: [m], fields, ...ALL_TIME });
  // Rows of other fields are other entries (a `max_over_time` reads 4 of the 12 columns).
  const held = readFields(fields);
  const of = held.join(",");
  const runs = await Promise.all(
    metrics.map(async (m) => {
      const prefix = `run\u0000${m}\u0000${files.map((f) => f.key).join("\u0000")}\u0000`;
      const runKey = `${prefix}${of}`;
      const run = cache.lookup(runKey) ?? cache.covering(prefix, held);
      if (run !== undefined) return run;
      const fileKeys = files.map((f) => `file\u0000${f.key}\u0000${m}`);
      const heldParts = () => fileKeys.map((k) => cache.fileParts(k, held));
      let kept = heldParts();
      // Where memory lacks most of the files, a run a process before this one read: this one,
      // or one holding most of these files.
      const stored =
        kept.filter((k) => k === undefined).length * 2 > files.length
          ? cache.disk?.find(runKey, m, of, fileKeys)
          : undefined;
      if (stored !== undefined) {
        cache.put(stored.index.key, stored.rows, stored.placements, held);
        if (stored.index.key === runKey) return stored.rows;
        kept = heldParts();
      }
      const missing = files.flatMap((_, i) => (kept[i] === undefined ? [i] : []));
      // The files not held, read together (one query, not one a file). A join copies every
      // row once more, so that when most files are missing one read of all of them is the
      // cheaper: a month's first read (10,000 series) after a week of it took 1.5–2.1 s
      // joined against 0.97–1.03 s read whole (docs/benchmarks.md, "Issue 24 on a fifteenth
      // VM"). A moved cover (a day more of a held month) is still joined.
      const toRead = missing.length * 2 > files.length ? files.map((_, i) => i) : missing;
      const paths = await Promise.all(toRead.map((i) => localPath(i)));
      const fresh = await read(paths, m);
      const freshPlaced = fresh.placements;
      if (freshPlaced === null) {
        // Files overlapping in time, where a cover has one a partition: read whole, not held.
        if (toRead.length === files.length) return fresh.series;
        return (await read(await Promise.all(files.map((_, i) => localPath(i))), m)).series;
      }
      let joined: { run: RollupRows[]; placements: readonly RowPlacement[] };
      if (toRead.length === files.length) {
        joined = { run: fresh.series, placements: freshPlaced };
      } else {
        toRead.forEach((file, i) => {
          kept[file] = partsAt(fresh.series, freshPlaced[i]);
        });
        joined = joinRollups(kept as Part[][]);
      }
      const placements = new Map(fileKeys.map((k, i) => [k, joined.placements[i]]));
      cache.put(runKey, joined.run, placements, held);
      // Kept for the next start when read whole: a join is cheap again from a run kept before.
      if (toRead.length === files.length) {
        const index = {
          key: runKey,
          metric: m,
          fields: of,
          files: fileKeys,
          series: joined.run.length,
        };
        cache.disk?.save({ index, rows: joined.run, placements });
      }
      return joined.run;
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

/** One file's rows of `series`, where `at` says they sit, as parts (one a series). */
function partsAt(series: readonly RollupRows[], at: RowPlacement): Part[] {
  const parts: Part[] = [];
  for (let j = 0; j < series.length; j++) {
    if (at.to[j] > at.from[j]) parts.push([series[j], at.from[j], at.to[j], at.bound[j]]);
  }
  return parts;
}

/**
 * Joins per-file parts (files in hour order) into one `RollupRows` per series, sorted by labels
 * (so that every query's slice of the run comes out sorted), and says where each file's rows
 * sit in the run.
 */
function joinRollups(files: readonly (readonly Part[])[]): {
  run: RollupRows[];
  placements: RowPlacement[];
} {
  const bySeries = new Map<string, { labels: Labels; parts: Part[]; files: number[] }>();
  files.forEach((parts, file) => {
    for (const part of parts) {
      const [r, from, to] = part;
      if (to <= from) continue;
      const key = r.labels.join("\xff");
      let s = bySeries.get(key);
      if (s === undefined) {
        s = { labels: r.labels, parts: [], files: [] };
        bySeries.set(key, s);
      }
      s.parts.push(part);
      s.files.push(file);
    }
  });
  const series = [...bySeries.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  const placements = rowPlacements(files.length, series.length);
  const run = series.map((s, j) => {
    let at = 0;
    s.parts.forEach(([, from, to, bound], p) => {
      placements[s.files[p]].from[j] = at;
      at += to - from;
      placements[s.files[p]].to[j] = at;
      placements[s.files[p]].bound[j] = bound;
    });
    return concat(s.labels, s.parts);
  });
  return { run, placements };
}

function concat(labels: Labels, parts: readonly Part[]): RollupRows {
  const [only, from, to] = parts[0];
  // Taken as it is only when it owns its arrays: a view into a read's or another run's arrays
  // would keep all of them alive, counted as its own rows only.
  if (parts.length === 1 && from === 0 && to === only.length && owns(only)) return only;
  let n = 0;
  for (const [, lo, hi] of parts) n += hi - lo;
  // The fields every part holds (each holds those of the run it was read for).
  const fields = commonFields(parts.map(([r]) => r));
  const cols = rollupColumns(n, fields);
  let at = 0;
  let bound = 0;
  for (const [r, lo, hi, partBound] of parts) {
    copyRows(cols, at, r, lo, hi, fields);
    at += hi - lo;
    bound += partBound;
  }
  return rollupRows(labels, n, cols, bound);
}

/** Whether `rows`' columns are arrays of their own, not views into larger ones. */
function owns(rows: RollupRows): boolean {
  return fieldsOf(rows).every((f) => {
    const a = f === "count" ? rows.countTotal : rows[f];
    return a.byteLength === a.buffer.byteLength;
  });
}
