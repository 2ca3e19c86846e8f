/**
 * Decoded samples of committed files, kept between queries. Files never change once committed
 * (a merge writes a new file and drops the old ones), so the series of one metric in one file,
 * decoded once, serve every later query that touches them: a dashboard refreshing the same
 * 24 h panels reads Parquet once, not every refresh. Bounded by bytes, least recently used
 * first out.
 */
import {
  hasStaleMarker,
  type NarrowValues,
  narrowable,
  narrowInto,
  neverDrops,
} from "../../shared/model/sample.ts";
import { lowerBound } from "../../shared/model/search.ts";
import type { StoredSeries } from "./parquet/reader.ts";
import type { SamplePart } from "./storage.ts";

/**
 * A series as the cache keeps it, with what every query takes from it made once: a query
 * touches each of thousands of series in each of 24 hourly files.
 */
export interface CachedSeries extends StoredSeries {
  /** All its samples as the slice a query covering the whole file hands out. */
  readonly whole: SamplePart;
  /** The top 53 bits of `hash` as a number: a Map key that hashes without a BigInt. */
  readonly key: number;
  /** The other 11 bits: `key` and `low` compare two hashes without BigInt arithmetic. */
  readonly low: number;
  /** The values as 32-bit offsets, when they fit. */
  readonly narrow?: NarrowValues;
}

/**
 * Told of each entry the cache keeps and drops, to mirror them in another thread (the
 * cache's narrow values and timestamps live in SharedArrayBuffers for that).
 */
export interface CacheMirror {
  added(id: number, series: readonly CachedSeries[]): void;
  dropped(id: number): void;
}

/** The series of one metric in one file, over the file's whole time range. */
export interface CachedMetric {
  /** Unique among the cache's entries, present and past. */
  readonly id: number;
  readonly series: readonly CachedSeries[];
  readonly bytes: number;
  /** Series indices by label name and value, built per label name as queries ask. */
  readonly postings: Map<string, Map<string, number[]>>;
  /** True when `postings` holds every label name of the series (see indexAll). */
  complete: boolean;
}

/**
 * Indices (ascending) of the series of `entry` that can match a selector with the
 * `name="value"` matchers `equal` among its matchers: the series in the postings of all of
 * them, or null (every series) when there are none. The two shortest lists are intersected;
 * the selector's matchers then test the few left.
 */
export function candidates(
  entry: CachedMetric,
  equal: readonly { name: string; value: string }[],
): readonly number[] | null {
  if (equal.length === 0) return null;
  const lists = equal.map((m) => postingsOf(entry, m.name).get(m.value) ?? []);
  lists.sort((a, b) => a.length - b.length);
  if (lists.length === 1 || lists[0].length === 0) return lists[0];
  const other = lists[1];
  return lists[0].filter((i) => contains(other, i));
}

/** The postings of label `name` in `entry`, built on first use. */
function postingsOf(entry: CachedMetric, name: string): Map<string, number[]> {
  let byValue = entry.postings.get(name);
  // Complete postings without the label: no series has it.
  if (!byValue && entry.complete) return new Map();
  if (!byValue) {
    byValue = new Map();
    entry.series.forEach((s, i) => {
      const labels = s.labels;
      for (let k = 0; k < labels.length; k += 2) {
        if (labels[k] === name) post(byValue!, labels[k + 1], i);
      }
    });
    entry.postings.set(name, byValue);
  }
  return byValue;
}

/** Adds series `i` to the postings of `value`; true when that value's list is new. */
function post(byValue: Map<string, number[]>, value: string, i: number): boolean {
  const list = byValue.get(value);
  if (list) list.push(i);
  else byValue.set(value, [i]);
  return list === undefined;
}

/** True when the ascending list `list` holds `i`. */
function contains(list: readonly number[], i: number): boolean {
  const at = lowerBound(list, i);
  return at < list.length && list[at] === i;
}

/**
 * Builds the postings of every label name of `series` in one pass; returns their approximate
 * bytes. The warm-up does this so that a query's first `name="value"` lookup finds them built.
 */
function indexAll(series: readonly StoredSeries[], postings: Map<string, Map<string, number[]>>) {
  let bytes = 0;
  for (let i = 0; i < series.length; i++) {
    const labels = series[i].labels;
    for (let k = 0; k < labels.length; k += 2) {
      let byValue = postings.get(labels[k]);
      if (!byValue) {
        byValue = new Map();
        postings.set(labels[k], byValue);
      }
      if (post(byValue, labels[k + 1], i)) bytes += POSTING_OVERHEAD;
      bytes += 8;
    }
  }
  return bytes;
}

/** Approximate bytes of one label value's postings list beyond its indices. */
const POSTING_OVERHEAD = 64;

/** Approximate bytes a series costs beyond its samples (labels, objects, hash). */
const SERIES_OVERHEAD = 256;

/** Bytes held by `series` (a timestamps array shared by several counts once). */
export function cachedBytes(series: readonly (StoredSeries & { narrow?: NarrowValues })[]): number {
  let bytes = 0;
  let last: Float64Array | null = null;
  const counted = new Set<Float64Array>();
  for (const s of series) {
    bytes += s.values.byteLength + (s.narrow?.offsets.byteLength ?? 0) + SERIES_OVERHEAD;
    if (s.timestamps !== last && !counted.has(s.timestamps)) {
      counted.add(s.timestamps);
      bytes += s.timestamps.byteLength;
    }
    last = s.timestamps;
    for (const l of s.labels) bytes += 2 * l.length;
  }
  return bytes;
}

/**
 * The series as the cache keeps them: equal timestamps arrays replaced by one of them, and
 * each marked `clean` when it holds no staleness marker and `noDrops` when no value is lower
 * than the one before it (rate then skips its scan for counter resets). Series scraped from
 * one target share their times: one array instead of thousands halves the bytes a file's
 * samples take, and lets the engine lay out range windows once for all of them
 * (window_plan.ts).
 */
export function forCache(series: readonly StoredSeries[], entry = -1): CachedSeries[] {
  const byShape = new Map<string, Float64Array[]>();
  const narrow = narrowAll(series);
  return series.map((s, i) => {
    const timestamps = sharedTimes(s.timestamps, byShape);
    const values = s.values;
    const whole = {
      timestamps,
      values,
      clean: !hasStaleMarker(values),
      noDrops: neverDrops(values),
      narrow: narrow[i],
      home: { entry, index: i, lo: 0, hi: values.length },
    };
    return { ...s, ...whole, whole, key: Number(s.hash >> 11n), low: Number(s.hash & 0x7ffn) };
  });
}

/**
 * The values of each series as 32-bit offsets where they fit, laid side by side in one array:
 * rate() reads a block of series file by file, and memory serves one run of bytes fastest.
 */
function narrowAll(series: readonly StoredSeries[]): (NarrowValues | undefined)[] {
  const fits = series.map((s) => narrowable(s.values));
  let total = 0;
  series.forEach((s, i) => {
    if (fits[i]) total += s.values.length;
  });
  const all = new Int32Array(new SharedArrayBuffer(total * 4));
  let at = 0;
  return series.map((s, i) => {
    if (!fits[i]) return undefined;
    const n = s.values.length;
    at += n;
    return narrowInto(s.values, all.subarray(at - n, at));
  });
}

/** An equal array met before in the file, or a copy of `ts` (then remembered). */
function sharedTimes(ts: Float64Array, byShape: Map<string, Float64Array[]>): Float64Array {
  if (ts.length === 0) return ts;
  const shape = `${ts.length} ${ts[0]} ${ts[ts.length - 1]}`;
  const known = byShape.get(shape);
  const same = known?.find((k) => equal(k, ts));
  if (same !== undefined) return same;
  // In shared memory, for a CacheMirror's thread to read.
  const copy = new Float64Array(new SharedArrayBuffer(ts.byteLength));
  copy.set(ts);
  // A few distinct arrays per shape at most: jittered scrapes must not make this quadratic.
  if (!known) byShape.set(shape, [copy]);
  else if (known.length < 8) known.push(copy);
  return copy;
}

function equal(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An LRU of decoded (file, metric) entries, bounded by `maxBytes`. */
export class SeriesCache {
  private readonly entries = new Map<string, CachedMetric>();
  private held = 0;
  hits = 0;
  misses = 0;

  private nextId = 0;

  constructor(
    readonly maxBytes: number,
    private readonly mirror?: CacheMirror,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  /** True when (file, metric) is held; counts as neither hit nor use. */
  has(file: string, metric: string): boolean {
    return this.entries.has(`${file}\n${metric}`);
  }

  /** The entry for (file, metric), refreshed as most recently used. */
  get(file: string, metric: string): CachedMetric | undefined {
    const key = `${file}\n${metric}`;
    const e = this.entries.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Stores an entry (one larger than a quarter of the budget is not kept). */
  set(
    file: string,
    metric: string,
    decoded: readonly StoredSeries[],
    opts: { index?: boolean } = {},
  ): CachedMetric {
    const id = this.nextId++;
    const series = forCache(decoded, id);
    const postings = new Map<string, Map<string, number[]>>();
    const indexed = opts.index ? indexAll(series, postings) : 0;
    const entry = {
      id,
      series,
      bytes: cachedBytes(series) + indexed,
      postings,
      complete: opts.index === true,
    };
    if (entry.bytes > this.maxBytes / 4) return entry;
    const key = `${file}\n${metric}`;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, entry);
    this.held += entry.bytes;
    this.mirror?.added(id, series);
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.drop(k, e);
    }
    return entry;
  }

  /** Forgets the entries of files no longer committed (merged away or expired). */
  retain(live: (file: string) => boolean): void {
    for (const [k, e] of this.entries) {
      if (!live(k.slice(0, k.indexOf("\n")))) this.drop(k, e);
    }
  }

  private drop(key: string, e: CachedMetric): void {
    this.entries.delete(key);
    this.held -= e.bytes;
    this.mirror?.dropped(e.id);
  }
}
