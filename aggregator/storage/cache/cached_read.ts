/**
 * Reads metric files through the decoded-series cache: each (file, metric) is decoded once over
 * the file's whole range, and queries take slices of it. A series spread over several files
 * (24 hourly files for a day) keeps its slices apart (see PartedSeries); where files overlap in
 * time (flush files of one hour not yet merged) the file listed later wins on equal
 * timestamps, as readMetricsFiles does.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { dropsWithin, type NarrowValues } from "../../../shared/model/sample.ts";
import { lowerBound, upperBound } from "../../../shared/model/search.ts";
import { heavy } from "../../../shared/runtime/budget.ts";
import { Turns } from "../../../shared/runtime/turns.ts";
import type { FileEntry } from "../catalog/entry.ts";
import { compileMatchers } from "../matchers.ts";
import { mergeSamples } from "../merge.ts";
import type { LabelMatcher, SeriesSamples, TimeRange } from "../storage.ts";
import type { CachedMetric, CachedSeries, QueryCache } from "./cache.ts";
import { NarrowPart, widen } from "./cache_join.ts";
import { joinValues, TimesJoiner } from "./join_slices.ts";
import type { CachedPart, PartHome } from "./part.ts";
import { MissingReader } from "./read_missing.ts";

/**
 * One series' slices as a query gathers them, in the order of their files (files are listed
 * oldest first, and a series, its name included, has at most one slice per file).
 */
interface Gathered {
  readonly labels: Labels;
  readonly hash: bigint;
  /** `CachedSeries.key` and `low`: the hash as two numbers, quicker to compare. */
  readonly key: number;
  readonly low: number;
  readonly parts: CachedPart[];
}

/** The gathered series by hash, keyed by the number `CachedSeries.key` where it is unique. */
class GatheredMap {
  private readonly byKey = new Map<number, Gathered>();
  /** Series whose hashes share their top 53 bits with another's: rare, keyed by BigInt. */
  private readonly byHash = new Map<bigint, Gathered>();

  of(s: CachedSeries): Gathered {
    const g = this.byKey.get(s.key);
    if (g === undefined) return set(this.byKey, s.key, s);
    if (g.hash === s.hash) return g;
    return this.byHash.get(s.hash) ?? set(this.byHash, s.hash, s);
  }

  all(): Gathered[] {
    return [...this.byKey.values(), ...this.byHash.values()];
  }
}

function set<K>(map: Map<K, Gathered>, key: K, s: CachedSeries): Gathered {
  const g = { labels: s.labels, hash: s.hash, key: s.key, low: s.low, parts: [] };
  map.set(key, g);
  return g;
}

/**
 * Speed-only knob of readCached, for tests (with those of decoding, read_missing.ts): a query
 * joins a metric's entries of merged files as it reads them, each time the ones read since
 * the last join reach this fraction of the cache's budget; 0 joins them only after the query
 * (cache.joinLater), the reference.
 */
export const readTuning = { joinEvery: 1 / 8 };

/**
 * The series of `metrics` in `files` accepted by `matchers`, in `range`. `openFile(f)` opens
 * the local copy of `files[f]`: asked once, and only for a file with an entry not in the cache.
 */
export async function readCached(
  cache: QueryCache,
  files: readonly FileEntry[],
  openFile: (f: number) => Promise<string>,
  metrics: readonly string[],
  matchers: readonly LabelMatcher[],
  range: TimeRange,
): Promise<SeriesSamples[]> {
  const opened = new Map<number, Promise<string>>();
  const pathOf = (f: number) => opened.get(f) ?? opened.set(f, openFile(f)).get(f)!;
  const match = compileMatchers(matchers);
  // `name="value"` matchers narrow each entry to their postings before the full test.
  const equal = matchers.filter((m) => m.type === "=" && m.value !== "" && m.name !== "__name__");
  // `__name__="x"` alone: every series of x's entries matches.
  const all = matchers.every((m) => m.name === "__name__" && m.type === "=");
  // Series scraped together share one timestamps array in the cache: cut it once, and hand
  // them all the same slice, so that the engine can lay out their windows once.
  const cuts = new Map<Float64Array, Cut>();
  let lastTimes: Float64Array | null = null;
  // The cut of `lastTimes`: series in a row mostly share their timestamps array.
  let cut: Cut = { lo: 0, hi: 0, whole: false, times: new Float64Array(0) };
  await openMissing(cache, files, pathOf, metrics);
  // Per metric, the entries of merged files read, oldest first: joined into one after the
  // query (see cache_join.ts). Flush files are left apart: merges replace them within the hour.
  const runs = new Map<string, CachedMetric[]>();
  const joinedRead = new Set<CachedMetric>();
  let reads: { metric: string; entry: CachedMetric }[] = [];
  // Per metric, the bytes of hourly entries read since the run was last joined. A month of a
  // 6,696-series counter is 720 hourly entries of 3.2 GB, which never fit a 1 GiB cache at
  // once, so a join after the query never found them all held and every query decoded the
  // month again (45 s); joined as they come, they take 4 bytes a sample in one entry.
  const unjoined = new Map<string, number>();
  const joinEvery = cache.maxBytes * readTuning.joinEvery;
  const missing = new MissingReader(cache, files, pathOf);
  for (let f = 0; f < files.length; f++) {
    for (const metric of metrics) {
      if (!files[f].metrics.includes(metric)) continue;
      const entry =
        missing.decoded(f, metric) ??
        cache.get(files[f].key, metric) ??
        (await missing.decode(f, metric));
      if (entry.joined) {
        // A joined entry stands for each of its files: read once.
        if (joinedRead.has(entry)) continue;
        joinedRead.add(entry);
      }
      reads.push({ metric, entry });
      if (!entry.joined && files[f].level === 0) continue;
      const run = runs.get(metric) ?? runs.set(metric, []).get(metric)!;
      run.push(entry);
      if (entry.joined) continue;
      const bytes = (unjoined.get(metric) ?? 0) + entry.bytes;
      unjoined.set(metric, bytes);
      if (joinEvery <= 0 || run.length < 2 || bytes < joinEvery) continue;
      unjoined.set(metric, 0);
      const joined = await cache.join(metric, run, pauseForOthers);
      if (joined === null) continue;
      reads = replaced(reads, run, { metric, entry: joined });
      joinedRead.add(joined);
      runs.set(metric, [joined]);
    }
  }
  for (const [metric, run] of runs) cache.joinLater(metric, run);
  // Entries can hold a million series: other work gets turns while they are read.
  const turns = new Turns();
  // The series of each entry read, in its slice of the range.
  const each = async (
    entry: CachedMetric,
    use: (s: CachedSeries, c: number, part: CachedPart) => void,
  ) => {
    const picked = cache.candidates(entry, equal);
    const count = picked ? picked.length : entry.series.length;
    for (let c = 0; c < count; c++) {
      // A costly regex among the matchers asks for turns sooner (shared/runtime/budget.ts).
      if (((c & 1023) === 1023 && turns.due(1)) || (!all && heavy())) await turns.turn();
      const s = entry.series[picked ? picked[c] : c];
      if (!all && !match(s.labels)) continue;
      if (s.timestamps !== lastTimes) {
        lastTimes = s.timestamps;
        cut = cuts.get(lastTimes) ?? cutOf(lastTimes, range, cuts);
      }
      if (cut.lo >= cut.hi) continue;
      // A joined entry's narrow-only slice widens its values on every read: a query gets
      // its own CutPart, which widens them once if a reader asks.
      const whole = cut.whole && !(s.whole instanceof NarrowPart);
      use(s, c, whole ? s.whole : new CutPart(s, cut));
    }
  };
  // One entry (a day's joined entry): each series is one slice, nothing to gather.
  if (reads.length === 1) {
    const out: SeriesSamples[] = [];
    await each(reads[0].entry, (s, _c, part) => out.push(new OneSlice(s.labels, part)));
    return out;
  }
  const gathered = new GatheredMap();
  // Per metric, the series gathered from its last entry, by position: most files hold the
  // same series as the one before, in the same order, so a position is checked before a map.
  const previous = new Map<string, (Gathered | undefined)[]>();
  for (const { metric, entry } of reads) {
    const before = previous.get(metric);
    const here = new Array<Gathered | undefined>(entry.series.length);
    previous.set(metric, here);
    await each(entry, (s, c, part) => {
      const known = before?.[c];
      const g = known?.key === s.key && known.low === s.low ? known : gathered.of(s);
      here[c] = g;
      g.parts.push(part);
    });
  }
  const times = new TimesJoiner();
  return gathered.all().map((g) => join(g, times));
}

/** Lets other work run between the steps of a join made inside a query. */
const pauseForOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `reads` with the entries of `run` replaced by `joined`, where the first of them was: the
 * run's entries are its metric's oldest, and the joined entry stands for each of their files.
 */
function replaced<T extends { entry: CachedMetric }>(
  reads: readonly T[],
  run: readonly CachedMetric[],
  joined: T,
): T[] {
  const inRun = new Set(run);
  const at = reads.findIndex((r) => inRun.has(r.entry));
  const out = reads.filter((r) => !inRun.has(r.entry));
  out.splice(at, 0, joined);
  return out;
}

/**
 * Opens at once the local copies of the files with an entry to decode: from object storage
 * they download side by side rather than one after another. Each is opened (or has failed)
 * before an error is thrown, so that the caller can release them all.
 */
async function openMissing(
  cache: QueryCache,
  files: readonly FileEntry[],
  pathOf: (f: number) => Promise<string>,
  metrics: readonly string[],
): Promise<void> {
  const missing: number[] = [];
  files.forEach((file, f) => {
    if (metrics.some((m) => file.metrics.includes(m) && !cache.has(file.key, m))) missing.push(f);
  });
  const opened = await Promise.allSettled(missing.map(pathOf));
  const failed = opened.find((o) => o.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * One series from its parts: a slice as it is, disjoint slices kept apart (joined only if a
 * reader asks for one array), or a merge where files overlap.
 */
function join(g: Gathered, times: TimesJoiner): SeriesSamples {
  const parts = g.parts;
  if (parts.length === 1) return new OneSlice(g.labels, parts[0]);
  // Files are listed oldest first, so the slices mostly arrive in order, each after the last.
  if (eachAfterTheLast(parts)) return new PartedSeries(g.labels, parts, times);
  const order = parts.map((_, i) => i);
  // Index order is file order.
  order.sort((a, b) => parts[a].timestamps[0] - parts[b].timestamps[0] || a - b);
  const sorted = order.map((i) => parts[i]);
  if (eachAfterTheLast(sorted)) return new PartedSeries(g.labels, sorted, times);
  // Later files win on equal timestamps: fold in file order, each new file preferred.
  order.sort((a, b) => a - b);
  let acc: SeriesSamples = asSamples(g.labels, parts[order[0]]);
  for (let i = 1; i < order.length; i++) {
    acc = mergeSamples(asSamples(g.labels, parts[order[i]]), acc);
  }
  return acc;
}

/** True when each slice starts after the one before it ends. */
function eachAfterTheLast(parts: readonly CachedPart[]): boolean {
  for (let i = 1; i < parts.length; i++) {
    const before = parts[i - 1].timestamps;
    if (parts[i].timestamps[0] <= before[before.length - 1]) return false;
  }
  return true;
}

/** A series held as disjoint ascending slices, joined into one array on first use. */
export class PartedSeries implements SeriesSamples {
  readonly length: number;
  private joinedTimes: Float64Array | null = null;
  private joinedValues: Float64Array | null = null;

  constructor(
    readonly labels: Labels,
    readonly parts: readonly CachedPart[],
    private readonly times = new TimesJoiner(),
  ) {
    let n = 0;
    for (const p of parts) n += p.timestamps.length;
    this.length = n;
  }

  get timestamps(): Float64Array {
    this.joinedTimes ??= this.times.join(this.parts, this.length);
    return this.joinedTimes;
  }

  get values(): Float64Array {
    this.joinedValues ??= joinValues(this.parts, this.length);
    return this.joinedValues;
  }
}

/**
 * A series in one cached slice, kept as that slice too: rate() reads a slice's narrow values
 * and known drops. Its values are read only when asked (a joined entry widens them then).
 */
class OneSlice implements SeriesSamples {
  readonly length: number;
  readonly timestamps: Float64Array;
  readonly parts: readonly CachedPart[];

  constructor(
    readonly labels: Labels,
    part: CachedPart,
  ) {
    this.timestamps = part.timestamps;
    this.length = part.timestamps.length;
    this.parts = [part];
  }

  get values(): Float64Array {
    return this.parts[0].values;
  }
}

function asSamples(labels: Labels, p: CachedPart): SeriesSamples {
  return { labels, length: p.timestamps.length, timestamps: p.timestamps, values: p.values };
}

/**
 * A cached series cut to a query's range. Its wide values are cut only when read: the rate
 * walk reads the narrow ones, and a subarray costs ~0.1 µs (the first and last files of a
 * day's query cut 13,000 of them).
 */
class CutPart implements CachedPart {
  readonly timestamps: Float64Array;
  readonly clean: boolean | undefined;
  readonly noDrops: boolean | undefined;
  readonly narrow: NarrowValues | undefined;
  readonly drops: Int32Array | undefined;
  readonly home: PartHome | undefined;
  private cutValues: Float64Array | null = null;

  constructor(
    private readonly series: CachedSeries,
    private readonly cut: Cut,
  ) {
    this.timestamps = cut.times;
    this.clean = series.clean;
    this.noDrops = series.noDrops;
    const narrow = series.narrow;
    this.narrow = narrow && { base: narrow.base, offsets: narrow.offsets.subarray(cut.lo, cut.hi) };
    const drops = series.whole.drops;
    this.drops = drops && dropsWithin(drops, cut.lo, cut.hi);
    const home = series.whole.home;
    this.home = home && { entry: home.entry, index: home.index, lo: cut.lo, hi: cut.hi };
  }

  get values(): Float64Array {
    const { series, cut } = this;
    // A joined entry's whole numbers are kept narrow only: widen just the cut.
    this.cutValues ??=
      series.whole instanceof NarrowPart
        ? widen(series.whole.narrow, cut.lo, cut.hi)
        : series.values.subarray(cut.lo, cut.hi);
    return this.cutValues;
  }
}

/** The samples of a timestamps array inside a query's range. */
interface Cut {
  readonly lo: number;
  readonly hi: number;
  readonly whole: boolean;
  readonly times: Float64Array;
}

function cutOf(ts: Float64Array, range: TimeRange, cuts: Map<Float64Array, Cut>): Cut {
  const n = ts.length;
  // Mostly the range holds the whole file: no search, no slice.
  const lo = ts[0] >= range.start ? 0 : lowerBound(ts, range.start);
  const hi = ts[n - 1] <= range.end ? n : upperBound(ts, range.end);
  const whole = lo === 0 && hi === n;
  const cut = { lo, hi, whole, times: whole ? ts : ts.subarray(lo, hi) };
  cuts.set(ts, cut);
  return cut;
}
