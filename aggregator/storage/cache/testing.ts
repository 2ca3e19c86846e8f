/**
 * A store for tests that serves its series the way the query cache does after reading
 * Parquet: cut into files of `fileMs` each, one cache entry per (file, metric) with its
 * shared timestamps, narrow values, known drops and homes, read back through `readCached`
 * as per-file slices, or joined into one entry per metric (`join`). With a `mirror` (a rate
 * helper thread) the entries are mirrored there as in the aggregator. The conformance runner
 * and the differential test run the engine's fast paths over it.
 */

import { compareLabels, type Labels, seriesHash } from "../../../shared/model/labels.ts";
import type { FileEntry } from "../catalog/entry.ts";
import { labelNamesOf, labelValuesOf } from "../labels.ts";
import { compileMatchers, metricNamesOf } from "../matchers.ts";
import type { StoredSeries } from "../parquet/reader.ts";
import type { LabelMatcher, Querier, Queryable, SeriesSamples, TimeRange } from "../storage.ts";
import { type CacheMirror, QueryCache } from "./cache.ts";
import { readCached } from "./cached_read.ts";

/** How the store cuts and keeps its series. */
export interface CachedStoreOptions {
  /** The time span of each file, ms (an hour in the aggregator). */
  readonly fileMs: number;
  /** Join each metric's entries into one, as the cache does after a query over merged files. */
  readonly join?: boolean;
  /** Told of the entries the cache keeps and drops (a rate helper thread). */
  readonly mirror?: CacheMirror;
}

/** Series loaded at once and served through a query cache of their own. */
export class CachedStore implements Queryable {
  private cache: QueryCache | null = null;
  private files: FileEntry[] = [];
  private metrics: string[] = [];
  private series: { labels: Labels }[] = [];

  constructor(private readonly opts: CachedStoreOptions) {}

  /** Replaces the store's contents with `series` (ascending timestamps each). */
  async load(series: readonly SeriesSamples[]): Promise<void> {
    this.clear();
    const cache = new QueryCache(1 << 30, this.opts.mirror);
    const byFile = new Map<number, Map<string, StoredSeries[]>>();
    for (const s of series) {
      const metric = metricOf(s.labels);
      const hash = seriesHash(s.labels);
      let lo = 0;
      while (lo < s.length) {
        const file = Math.floor(s.timestamps[lo] / this.opts.fileMs);
        const end = (file + 1) * this.opts.fileMs;
        let hi = lo;
        while (hi < s.length && s.timestamps[hi] < end) hi++;
        const metrics = byFile.get(file) ?? byFile.set(file, new Map()).get(file)!;
        const list = metrics.get(metric) ?? metrics.set(metric, []).get(metric)!;
        list.push({
          labels: s.labels,
          hash,
          timestamps: s.timestamps.slice(lo, hi),
          values: s.values.slice(lo, hi),
        });
        lo = hi;
      }
    }
    const runs = new Map<string, ReturnType<QueryCache["set"]>[]>();
    for (const file of [...byFile.keys()].sort((a, b) => a - b)) {
      const key = `f${file}`;
      const metrics = byFile.get(file)!;
      let minTime = Number.POSITIVE_INFINITY;
      let maxTime = Number.NEGATIVE_INFINITY;
      for (const [metric, stored] of metrics) {
        for (const s of stored) {
          minTime = Math.min(minTime, s.timestamps[0]);
          maxTime = Math.max(maxTime, s.timestamps[s.timestamps.length - 1]);
        }
        const entry = cache.set(key, metric, stored, { index: true });
        (runs.get(metric) ?? runs.set(metric, []).get(metric)!).push(entry);
      }
      // Level 0: readCached leaves flush files apart, so no join happens behind a test's back.
      this.files.push({
        key,
        metrics: [...metrics.keys()].sort(),
        minTime,
        maxTime,
        level: 0,
      } as FileEntry);
    }
    if (this.opts.join) {
      for (const [metric, run] of runs) await cache.join(metric, run);
    }
    this.cache = cache;
    this.metrics = [...runs.keys()].sort();
    this.series = [...series];
  }

  /** Drops every entry (a mirror is told). */
  clear(): void {
    this.cache?.retain(() => false);
    this.cache = null;
    this.files = [];
    this.metrics = [];
    this.series = [];
  }

  async querier(): Promise<Querier> {
    const { cache, files, metrics, series } = this;
    const select = async (matchers: readonly LabelMatcher[], range: TimeRange) => {
      if (cache === null) return [];
      const names = metricNamesOf(matchers) ?? metrics;
      const overlapping = files.filter((f) => f.minTime <= range.end && f.maxTime >= range.start);
      const out = await readCached(
        cache,
        overlapping,
        () => Promise.reject(new Error("Cannot open a file: the test store holds none")),
        names,
        matchers,
        range,
      );
      return out.filter((s) => s.length > 0).sort((a, b) => compareLabels(a.labels, b.labels));
    };
    const labelsOf = (matchers: readonly LabelMatcher[]) => {
      const match = compileMatchers(matchers);
      return series.map((s) => s.labels).filter(match);
    };
    return {
      select,
      labelNames: async (matchers) => labelNamesOf(labelsOf(matchers)),
      labelValues: async (name, matchers) => labelValuesOf(name, labelsOf(matchers)),
      close() {},
    };
  }
}

function metricOf(labels: Labels): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === "__name__") return labels[i + 1];
  return "";
}
