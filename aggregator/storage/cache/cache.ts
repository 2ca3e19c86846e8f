/**
 * Decoded samples of committed files, kept between queries. Files never change once committed
 * (a merge writes a new file and drops the old ones), so the series of one metric in one file,
 * decoded once, serve every later query that touches them: a dashboard refreshing the same
 * 24 h panels reads Parquet once, not every refresh. Bounded by bytes, least recently used
 * first out.
 */

import { logger } from "../../../shared/log/log.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import {
  dropsOf,
  hasStaleMarker,
  type NarrowValues,
  narrowable,
  narrowInto,
  neverDrops,
} from "../../../shared/model/sample.ts";
import type { StoredSeries } from "../parquet/reader.ts";
import { cachedBytes } from "./bytes.ts";
import { joinEntries, joinedBytes } from "./cache_join.ts";
import { collectGarbage } from "./collect.ts";
import type { CachedPart, PartHome } from "./part.ts";
import { candidates, indexAll, type Postings } from "./postings.ts";

const log = logger("cache");

/**
 * A series as the cache keeps it, with what every query takes from it made once: a query
 * touches each of thousands of series in each of 24 hourly files.
 */
export interface CachedSeries extends StoredSeries {
  /** All its samples as the slice a query covering the whole file hands out. */
  readonly whole: CachedPart;
  /** The top 53 bits of `hash` as a number: a Map key that hashes without a BigInt. */
  readonly key: number;
  /** The other 11 bits: `key` and `low` compare two hashes without BigInt arithmetic. */
  readonly low: number;
  /** The values as 32-bit offsets, when they fit. */
  readonly narrow?: NarrowValues;
  /**
   * Where its values drop (`dropsOf`), for series with `narrow` values: only rate() over
   * those reads them. Not kept for the others: a gauge drops at every other sample or so,
   * and its drops took 2 bytes a sample beside its values' 8.
   */
  readonly drops?: Int32Array;
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
  /** Its key in the cache: `file\nmetric`, or `#id\nmetric` for a joined entry. */
  readonly key: string;
  readonly series: readonly CachedSeries[];
  /** What it holds (bytes.ts); grows as queries build postings. */
  bytes: number;
  /** Series indices by label name and value, built per label name as queries ask. */
  readonly postings: Postings;
  /** True when `postings` holds every label name of the series (see indexAll). */
  complete: boolean;
  /** A joined entry's files, oldest first, and its metric (see cache_join.ts). */
  readonly joined?: { readonly files: readonly string[]; readonly metric: string };
}

/**
 * The series as the cache keeps them: equal timestamps arrays replaced by one of them, and
 * each marked `clean` when it holds no staleness marker and `noDrops` when no value is lower
 * than the one before it (rate then skips its scan for counter resets). Series scraped from
 * one target share their times: one array instead of thousands halves the bytes a file's
 * samples take, and lets the engine lay out range windows once for all of them
 * (window_plan.ts). The values are copied side by side into one array of the entry's (see
 * packValues).
 */
export function forCache(series: readonly StoredSeries[], entry = -1): CachedSeries[] {
  const byShape = new Map<string, Float64Array[]>();
  const narrow = narrowAll(series);
  const values = packValues(series);
  return series.map((s, i) => {
    const v = values[i];
    const found = narrow[i] && dropsOf(v);
    const drops = found && keepsDrops(found.length, v.length) ? found : undefined;
    const home = { entry, index: i, lo: 0, hi: v.length };
    return new FileSeries(s, sharedTimes(s.timestamps, byShape), v, drops, narrow[i], home);
  });
}

/**
 * True when a series of `samples` samples keeps its `drops` drops: a few, or at most one
 * sample in 16 (a counter's resets). A gauge's (about every other sample) took half its narrow
 * offsets' bytes again, and only rate() over it reads them; without them rate() takes its
 * scan for resets.
 */
export function keepsDrops(drops: number, samples: number): boolean {
  return drops <= 8 || drops * 16 <= samples;
}

/**
 * A series of one file's entry, which is also its slice over the whole file (`whole` is the
 * series itself): one object a series where a copy of the slice's fields took a second.
 */
class FileSeries implements CachedSeries, CachedPart {
  readonly labels: Labels;
  readonly hash: bigint;
  readonly key: number;
  readonly low: number;
  readonly clean: boolean;
  readonly noDrops: boolean;
  readonly whole: CachedPart;

  constructor(
    s: StoredSeries,
    readonly timestamps: Float64Array,
    readonly values: Float64Array,
    readonly drops: Int32Array | undefined,
    readonly narrow: NarrowValues | undefined,
    readonly home: PartHome,
  ) {
    this.labels = s.labels;
    this.hash = s.hash;
    this.key = Number(s.hash >> 11n);
    this.low = Number(s.hash & 0x7ffn);
    this.clean = !hasStaleMarker(values);
    this.noDrops = drops ? drops.length === 0 : narrow === undefined && neverDrops(values);
    this.whole = this;
  }
}

/**
 * The values of the series copied side by side into one array (their bytes: a staleness
 * marker's NaN payload survives): one allocation an entry instead of one a series, each of
 * which cost its own buffer object and the allocator's rounding, and a file's values lie
 * in a row as its narrow values do.
 */
function packValues(series: readonly StoredSeries[]): Float64Array[] {
  let total = 0;
  for (const s of series) total += s.values.length;
  // In shared memory, for a CacheMirror's thread to read (the wide values of series that do not
  // fit offsets: a load average's, a counter of seconds).
  const all = new Float64Array(new SharedArrayBuffer(total * 8));
  let at = 0;
  return series.map((s) => {
    const n = s.values.length;
    // Float64Array to Float64Array: a copy of bytes, NaN payloads included.
    all.set(s.values, at);
    at += n;
    return all.subarray(at - n, at);
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

/**
 * An LRU of decoded (file, metric) entries, bounded by `maxBytes`. Consecutive entries of a
 * metric that a query read together are joined into one entry in the background (see
 * cache_join.ts), which then stands for each of their files.
 */
export class QueryCache {
  private readonly entries = new Map<string, CachedMetric>();
  /** The joined entry standing for each (file, metric) it joins. */
  private readonly joinedBy = new Map<string, CachedMetric>();
  /** Runs of entries found not to join (series overlapping in time), by their ids. */
  private readonly unjoinable = new Set<string>();
  private readonly joinsDue = new Set<string>();
  /** A background join replaced entries since the last collection. */
  private joinedAway = false;
  private held = 0;
  /** Joined entries made. */
  joins = 0;
  hits = 0;
  misses = 0;
  /** Reads of Parquet that decoded entries for queries (one for a batch of files). */
  decodes = 0;

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
    const key = `${file}\n${metric}`;
    return this.entries.has(key) || this.joinedBy.has(key);
  }

  /** The entry for (file, metric), as get() finds it, but counted as neither hit nor use. */
  peek(file: string, metric: string): CachedMetric | undefined {
    const key = `${file}\n${metric}`;
    return this.entries.get(key) ?? this.joinedBy.get(key);
  }

  /**
   * The entry for (file, metric), refreshed as most recently used: a joined entry (`joined`
   * set) when one holds the file, which then holds the other files it lists too.
   */
  get(file: string, metric: string): CachedMetric | undefined {
    let key = `${file}\n${metric}`;
    let e = this.entries.get(key);
    if (e === undefined) {
      e = this.joinedBy.get(key);
      if (e === undefined) {
        this.misses++;
        return undefined;
      }
      key = e.key;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /**
   * Indices of the series of `entry` that can match `name="value"` matchers `equal`, or null
   * for all (postings.ts); postings built for them count in the entry's bytes from now.
   */
  candidates(
    entry: CachedMetric,
    equal: readonly { name: string; value: string }[],
  ): readonly number[] | null {
    return candidates(entry, equal, (bytes) => {
      entry.bytes += bytes;
      if (this.entries.get(entry.key) === entry) this.held += bytes;
    });
  }

  /**
   * Joins `run` (entries of `metric` a query read, oldest first) into one entry in the
   * background, after the query: a day of 6,696 series takes ~0.5 s, done a few hundred
   * series at a time between other work.
   */
  joinLater(metric: string, run: readonly CachedMetric[]): void {
    if (run.length < 2) return;
    const ids = run.map((e) => e.id).join(",");
    if (this.unjoinable.has(ids) || this.joinsDue.has(ids)) return;
    this.joinsDue.add(ids);
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    setImmediate(() => {
      this.join(metric, run, pause)
        .then((joined) => {
          if (joined) this.joinedAway = true;
        })
        .catch((err) => log.warn("Cannot join cache entries", { metric, error: String(err) }))
        .finally(() => {
          this.joinsDue.delete(ids);
          // The entries joined are garbage now: collected once the joins due are done.
          if (this.joinsDue.size > 0 || !this.joinedAway) return;
          this.joinedAway = false;
          void collectGarbage();
        });
    });
  }

  /**
   * Joins `run` into one entry that replaces them, when all are held (before and after),
   * their series never overlap in time and the result fits the budget; returns it, or null.
   */
  async join(
    metric: string,
    run: readonly CachedMetric[],
    pause?: () => Promise<void>,
  ): Promise<CachedMetric | null> {
    const ids = run.map((e) => e.id).join(",");
    const held = () => run.every((e) => this.entries.get(e.key) === e);
    if (!held()) return null;
    const id = this.nextId++;
    const series = await joinEntries(run, id, pause);
    if (series === null) {
      // Bounded: runs change as files come and go.
      if (this.unjoinable.size >= 1024) this.unjoinable.clear();
      this.unjoinable.add(ids);
      return null;
    }
    const files = run.flatMap((e) => e.joined?.files ?? [fileOf(e)]);
    const entry = joinedEntry(id, metric, files, series);
    if (entry.bytes > this.maxBytes / 4 || !held()) return null;
    for (const e of run) this.drop(e);
    this.keepJoined(entry);
    this.joins++;
    return entry;
  }

  /**
   * Stores series decoded from consecutive `files` in one read (cached_read.ts's batches) as
   * the entry join() makes of their hourly entries, standing for each file: no hourly entries
   * are made. Returns it, kept unless larger than a quarter of the budget (as set()).
   */
  async setJoined(
    files: readonly string[],
    metric: string,
    decoded: readonly StoredSeries[],
    pause?: () => Promise<void>,
  ): Promise<CachedMetric> {
    const id = this.nextId++;
    const whole: CachedMetric = {
      ...{ id: -1, key: "", series: forCache(decoded), bytes: 0 },
      ...{ postings: new Map(), complete: false },
    };
    // One entry: each series is one piece, so nothing overlaps and the join is never refused.
    const series = (await joinEntries([whole], id, pause)) ?? [];
    const entry = joinedEntry(id, metric, files, series);
    if (entry.bytes <= this.maxBytes / 4) this.keepJoined(entry);
    return entry;
  }

  private keepJoined(entry: CachedMetric & { joined: { files: readonly string[] } }): void {
    this.entries.set(entry.key, entry);
    for (const f of entry.joined.files) this.joinedBy.set(`${f}\n${entry.joined.metric}`, entry);
    this.held += entry.bytes;
    this.mirror?.added(entry.id, entry.series);
    this.evict();
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
    const postings: Postings = new Map();
    const indexed = opts.index ? indexAll(series, postings) : 0;
    const key = `${file}\n${metric}`;
    const entry = {
      id,
      key,
      series,
      bytes: cachedBytes(series) + indexed,
      postings,
      complete: opts.index === true,
    };
    if (entry.bytes > this.maxBytes / 4) return entry;
    const old = this.entries.get(key);
    if (old) this.drop(old);
    this.entries.set(key, entry);
    this.held += entry.bytes;
    this.mirror?.added(id, series);
    this.evict();
    return entry;
  }

  /** Forgets the entries of files no longer committed (merged away or expired). */
  retain(live: (file: string) => boolean): void {
    for (const e of this.entries.values()) {
      if (!(e.joined?.files ?? [fileOf(e)]).every(live)) this.drop(e);
    }
  }

  /** Drops the least recently used entries until the budget holds. */
  private evict(): void {
    for (const e of this.entries.values()) {
      if (this.held <= this.maxBytes) break;
      this.drop(e);
    }
  }

  private drop(e: CachedMetric): void {
    this.entries.delete(e.key);
    this.held -= e.bytes;
    this.mirror?.dropped(e.id);
    if (e.joined === undefined) return;
    for (const f of e.joined.files) {
      const k = `${f}\n${e.joined.metric}`;
      if (this.joinedBy.get(k) === e) this.joinedBy.delete(k);
    }
  }
}

/**
 * A joined entry of `series` standing for `files`, with every label's postings, as the warm-up
 * builds them: the hourly entries it replaces had them.
 */
function joinedEntry(
  id: number,
  metric: string,
  files: readonly string[],
  series: readonly CachedSeries[],
): CachedMetric & { joined: { files: readonly string[]; metric: string } } {
  const postings: Postings = new Map();
  const indexed = indexAll(series, postings);
  return {
    id,
    key: `#${id}\n${metric}`,
    series,
    bytes: joinedBytes(series) + indexed,
    postings,
    complete: true,
    joined: { files, metric },
  };
}

/** The file a file's entry holds, from its LRU key. */
function fileOf(e: CachedMetric): string {
  return e.key.slice(0, e.key.indexOf("\n"));
}
