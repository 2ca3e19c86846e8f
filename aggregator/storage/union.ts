/**
 * A query's view over one tenant's data: the head, plus the committed Parquet files the head
 * does not already hold. Both may hold the same sample (recently flushed data stays in the
 * head); the merge keeps one per timestamp.
 */

import { compareLabels, formatSeries, type Labels } from "../../shared/model/labels.ts";
import { sortWithTurns } from "../../shared/runtime/turns.ts";
import { type Bucket, isObjectMissing, type LocalFile } from "./bucket/bucket.ts";
import type { QueryCache } from "./cache/cache.ts";
import { readCached } from "./cache/cached_read.ts";
import type { Catalog } from "./catalog/catalog.ts";
import { type FileEntry, type Tier, tierOfStep } from "./catalog/entry.ts";
import { labelNamesOf, labelValuesOf } from "./labels.ts";
import type { LabelsMemo } from "./labels_memo.ts";
import { compileMatchers, metricNamesOf } from "./matchers.ts";
import { mergeSamples } from "./merge.ts";
import { readMetricsFiles, readSeriesLabels, readSeriesRows } from "./parquet/reader.ts";
import { readRollupFiles } from "./parquet/rollup_reader.ts";
import { labelsFromRow } from "./parquet/schema.ts";
import { cachedRollups, type RollupCache } from "./rollup_cache.ts";
import { fewerRows, rollupCover } from "./rollup_cover.ts";
import { openCommitted } from "./staging/staging.ts";
import type {
  LabelMatcher,
  Querier,
  RollupField,
  RollupRead,
  RollupRows,
  SeriesSamples,
  TimeRange,
} from "./storage.ts";

/** (file, metric) columns a selector without a metric name may read through the cache. */
const CACHED_COLUMNS_MAX = 256;

/** The metric names of `files`, or undefined when they make more than `max` columns. */
function namesOf(files: readonly FileEntry[], max: number): string[] | undefined {
  let columns = 0;
  const names = new Set<string>();
  for (const f of files) {
    columns += f.metrics.length;
    if (columns > max) return undefined;
    for (const m of f.metrics) names.add(m);
  }
  return [...names];
}

/** What the union needs to know about the head it sits on. */
export interface HeadView {
  querier(): Promise<Querier>;
  /** True when every sample of this committed file is still in the head. */
  holds(file: FileEntry): boolean;
  /** The head holds every sample from this time on (none: it may hold any). */
  minTime?(): number;
}

/** Files in use by running queries; the garbage collector leaves them alone. */
export class Pins {
  private readonly counts = new Map<string, number>();

  /** Marks keys in use. */
  pin(keys: readonly string[]): void {
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  /** Releases keys pinned before. */
  unpin(keys: readonly string[]): void {
    for (const k of keys) {
      const n = (this.counts.get(k) ?? 1) - 1;
      if (n <= 0) this.counts.delete(k);
      else this.counts.set(k, n);
    }
  }

  /** True while a query reads the key. */
  has(key: string): boolean {
    return this.counts.has(key);
  }
}

/** Options of a union querier. */
export interface UnionOptions {
  tenant: string;
  /** Decoded samples of files kept between queries (none: every query reads Parquet). */
  cache?: QueryCache;
  head: HeadView | undefined;
  catalog: Catalog;
  bucket: Bucket;
  pins: Pins;
  /** Rollup rows kept between queries (none: every rollup read goes to Parquet). */
  rollupCache?: RollupCache;
  /** Files' series kept between label lookups (none: every lookup reads Parquet). */
  labelsMemo?: LabelsMemo;
}

/** Opens a querier over head ∪ Parquet for one tenant. */
export async function openUnionQuerier(opts: UnionOptions): Promise<Querier> {
  const headQuerier = opts.head ? await opts.head.querier() : undefined;
  return new UnionQuerier(opts, headQuerier);
}

class UnionQuerier implements Querier {
  private readonly pinned: string[] = [];
  private readonly locals: LocalFile[] = [];

  constructor(
    private readonly opts: UnionOptions,
    private readonly headQuerier: Querier | undefined,
  ) {}

  select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<SeriesSamples[]> {
    return this.readingAgain(() => this.selectOnce(matchers, range));
  }

  private async selectOnce(
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<SeriesSamples[]> {
    const match = compileMatchers(matchers);
    const metrics = metricNamesOf(matchers);
    const fromHead = this.headQuerier ? await this.headQuerier.select(matchers, range) : [];
    const files = this.pinFiles(range, metrics);
    if (files.length === 0) return fromHead;
    // Whole (file, metric) columns go through the cache and the matchers pick series from
    // them; a selector without a metric name goes there too when it touches few columns (an
    // instant `count({__name__=~".+"})` reads the last hour's). Otherwise the matchers go to
    // the reader, which reads only the matching series' samples.
    const cache = this.opts.cache;
    const names = metrics ?? namesOf(files, CACHED_COLUMNS_MAX);
    const stored: SeriesSamples[] =
      cache && names
        ? await readCached(cache, files, (f) => this.localPath(files[f]), names, matchers, range)
        : (await readMetricsFiles(await this.localPaths(files), { metrics, match, ...range })).map(
            (s) => ({
              labels: s.labels,
              length: s.timestamps.length,
              timestamps: s.timestamps,
              values: s.values,
            }),
          );
    const byLabels = (a: SeriesSamples, b: SeriesSamples) => compareLabels(a.labels, b.labels);
    if (fromHead.length === 0)
      return sorted(
        stored.filter((s) => s.length > 0),
        byLabels,
      );
    const bySeries = new Map<string, SeriesSamples>();
    for (const s of stored) if (s.length > 0) bySeries.set(formatSeries(s.labels), s);
    for (const h of fromHead) {
      const key = formatSeries(h.labels);
      const other = bySeries.get(key);
      bySeries.set(key, other ? mergeSamples(h, other) : h);
    }
    return sortWithTurns([...bySeries.values()], byLabels);
  }

  rollups(
    matchers: readonly LabelMatcher[],
    range: TimeRange,
    stepMs: number,
    opts: { onlyIfFewer?: boolean; fields?: readonly RollupField[] } = {},
  ): Promise<RollupRead> {
    return this.readingAgain(() => this.rollupsOnce(matchers, range, stepMs, opts));
  }

  private async rollupsOnce(
    matchers: readonly LabelMatcher[],
    range: TimeRange,
    stepMs: number,
    opts: { onlyIfFewer?: boolean; fields?: readonly RollupField[] },
  ): Promise<RollupRead> {
    const { catalog, tenant, head } = this.opts;
    const metrics = metricNamesOf(matchers);
    const tier = tierOfStep(stepMs);
    if (tier === null) throw new RangeError(`Cannot read rollups: no ${stepMs} ms tier`);
    const headMin = head ? (head.minTime?.() ?? Number.NEGATIVE_INFINITY) : Infinity;
    const select = (t: Tier, r: TimeRange) =>
      catalog.select({ tenant, signal: "metrics", tier: t, ...r, metrics });
    const cover = rollupCover(select, tier, range, headMin);
    if (cover === null || (opts.onlyIfFewer && !fewerRows(cover, select, tier, opts.fields)))
      return { series: [], covered: null };
    const keys = cover.files.map((f) => f.key);
    this.opts.pins.pin(keys);
    this.pinned.push(...keys);
    const files = cover.files;
    const match = compileMatchers(matchers);
    const cache = this.opts.rollupCache;
    const local = (f: number) => this.localPath(files[f]);
    const rows =
      cache && metrics
        ? await cachedRollups(cache, files, metrics, local, match, range, opts.fields)
        : await readRollupFiles(await this.localPaths(files), {
            metrics,
            match,
            fields: opts.fields,
            ...range,
          });
    const byLabels = (a: RollupRows, b: RollupRows) => compareLabels(a.labels, b.labels);
    return { series: await sortWithTurns(rows, byLabels), covered: cover.covered };
  }

  async labelNames(matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]> {
    return labelNamesOf(await this.readingAgain(() => this.allLabels(matchers, range)));
  }

  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<string[]> {
    return labelValuesOf(name, await this.readingAgain(() => this.allLabels(matchers, range)));
  }

  /**
   * Runs a read; when a file the catalog listed is gone from the bucket (another process
   * merged it and deleted it, as `outpost import` does at once), reads the catalog again and
   * runs the read once more, over the files that replaced it.
   */
  private async readingAgain<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (!isObjectMissing(err)) throw err;
      await this.opts.catalog.refresh();
      return read();
    }
  }

  close(): void {
    this.headQuerier?.close();
    this.opts.pins.unpin(this.pinned);
    for (const l of this.locals) l.release();
    this.pinned.length = 0;
    this.locals.length = 0;
  }

  private async allLabels(matchers: readonly LabelMatcher[], range: TimeRange) {
    const match = compileMatchers(matchers);
    const metrics = metricNamesOf(matchers);
    const out: Labels[] = [];
    if (this.headQuerier) {
      for (const s of await this.headQuerier.select(matchers, range)) out.push(s.labels);
    }
    let files = this.pinFiles(range, metrics);
    const memo = this.opts.labelsMemo;
    if (memo && metrics) {
      // Files inside the range answer from the memo; those at its edges are read with it.
      const inside = files.filter((f) => f.minTime >= range.start && f.maxTime <= range.end);
      files = files.filter((f) => f.minTime < range.start || f.maxTime > range.end);
      for (const labels of await this.memoised(memo, inside, metrics))
        if (match(labels)) out.push(labels);
    }
    const paths = await this.localPaths(files);
    if (paths.length > 0) {
      const stored = await readSeriesLabels(paths, metrics, range);
      for (const labels of stored) if (match(labels)) out.push(labels);
    }
    return out;
  }

  /**
   * The distinct series of `metrics` in `files`: from the memo, and read into it where it lacks a
   * file. Each column is taken as it is found or read, since a `put` past the memo's bound empties it.
   */
  private async memoised(memo: LabelsMemo, files: readonly FileEntry[], metrics: string[]) {
    const series = new Set<string>();
    const add = (metric: string, labels: readonly string[]) => {
      for (const l of labels) series.add(`${metric}\u0000${l}`);
    };
    const unread: FileEntry[] = [];
    for (const f of files) {
      const columns = metrics.map((m) => memo.get(f.key, m));
      if (columns.some((c) => c === undefined)) unread.push(f);
      else for (let i = 0; i < metrics.length; i++) add(metrics[i], columns[i] ?? []);
    }
    if (unread.length > 0) {
      const rows = await readSeriesRows(await this.localPaths(unread), metrics);
      const read = unread.map(() => new Map<string, string[]>(metrics.map((m) => [m, []])));
      for (const r of rows) read[r.file].get(r.metric)?.push(r.labels);
      unread.forEach((f, i) => {
        for (const [m, labels] of read[i]) {
          memo.put(f.key, m, labels);
          add(m, labels);
        }
      });
    }
    return [...series].map((k) => {
      const cut = k.indexOf("\u0000");
      return labelsFromRow(k.slice(0, cut), k.slice(cut + 1));
    });
  }

  /** The files the head does not cover, pinned until close(). */
  private pinFiles(range: TimeRange, metrics: string[] | undefined): FileEntry[] {
    const { catalog, tenant, head, pins } = this.opts;
    const files = catalog.select({
      tenant,
      signal: "metrics",
      tier: "raw",
      start: range.start,
      end: range.end,
      metrics,
      held: head && ((f) => head.holds(f)),
    });
    const keys = files.map((f) => f.key);
    pins.pin(keys);
    this.pinned.push(...keys);
    return files;
  }

  /**
   * The local copy of a pinned file, released by close(). Opened only when read: a query the
   * cache answers touches no file (a `stat` per file and query cost a one-series query ~1 ms).
   */
  private async localPath(file: FileEntry): Promise<string> {
    const local = await openCommitted(this.opts.bucket, file.key);
    this.locals.push(local);
    return local.path;
  }

  /** The local copies of pinned files, all opened (or failed) before an error is thrown. */
  private async localPaths(files: readonly FileEntry[]): Promise<string[]> {
    const opened = await Promise.allSettled(files.map((f) => this.localPath(f)));
    const failed = opened.find((o) => o.status === "rejected");
    if (failed) throw failed.reason;
    return opened.map((o) => (o as PromiseFulfilledResult<string>).value);
  }
}

/**
 * `list` sorted by `compare`, in place. Series read from files mostly arrive in label order
 * already (files are written sorted): one pass tells, where sorting 6,696 series took ~6 ms.
 */
function sorted<T>(list: T[], compare: (a: T, b: T) => number): Promise<T[]> {
  for (let i = 1; i < list.length; i++)
    if (compare(list[i - 1], list[i]) > 0) return sortWithTurns(list, compare);
  return Promise.resolve(list);
}
