/**
 * Warms the query cache after the aggregator starts: the decoded samples of the newest
 * committed metric files are read in the background, newest file first, so that the first
 * dashboard opened after a restart is answered from memory rather than paying for Parquet
 * decoding (seconds for a day of 10,000 series). Each file is read whole, once, pinned while
 * read; its columns enter the cache as a query would have left them (with the postings of
 * every label built, which a query would build on first use), under the cache's own budget
 * and eviction. It stops at `fill` of the budget, leaving the rest to queries. Then each
 * metric's entries of consecutive merged files are joined into one (cache_join.ts), as the
 * first query reading them would have them joined: that query then finds one slice per
 * series instead of one per hour (a 24 h `sum(rate)` over 6,696 series: ~60 ms against
 * ~350 ms).
 */
import { logger } from "../../../shared/log/log.ts";
import { labelValue } from "../../../shared/model/labels.ts";
import type { Bucket } from "../bucket/bucket.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { FileEntry } from "../catalog/entry.ts";
import { ALL_TIME, readMetricsFiles, type StoredSeries } from "../parquet/reader.ts";
import type { Pins } from "../union.ts";
import type { CachedMetric, QueryCache } from "./cache.ts";

const log = logger("store");

/** What the warm-up needs. */
export interface WarmOptions {
  catalog: Catalog;
  bucket: Bucket;
  pins: Pins;
  cache: QueryCache;
  /** Files whose newest sample is within this many ms of the newest file's are read. */
  spanMs: number;
  /** Fraction of the cache budget the warm-up may fill. */
  fill: number;
  /** True once the aggregator is stopping. */
  stopped: () => boolean;
}

/** Reads the newest files into the cache; resolves with the (file, metric) columns added. */
export async function warmCache(opts: WarmOptions): Promise<number> {
  const { cache, pins, bucket } = opts;
  const files = opts.catalog
    .all()
    .filter((f) => f.signal === "metrics" && f.tier === "raw")
    .sort((a, b) => b.maxTime - a.maxTime);
  if (files.length === 0) return 0;
  const since = files[0].maxTime - opts.spanMs;
  const started = performance.now();
  let columns = 0;
  for (const f of files) {
    const full = () => cache.bytes > cache.maxBytes * opts.fill || opts.stopped();
    if (f.maxTime < since || full()) break;
    if (f.metrics.every((m) => cache.has(f.key, m))) continue;
    pins.pin([f.key]);
    try {
      const local = await bucket.openLocal(f.key);
      try {
        const series = await readMetricsFiles([local.path], ALL_TIME);
        for (const [metric, group] of byMetric(series)) {
          if (full()) break;
          if (cache.has(f.key, metric)) continue;
          cache.set(f.key, metric, group, { index: true });
          columns++;
        }
      } finally {
        local.release();
      }
    } finally {
      pins.unpin([f.key]);
    }
  }
  const joined = await joinWarmed(cache, files, since, opts.stopped);
  log.info("Warmed the query cache", {
    columns,
    joined,
    bytes: cache.bytes,
    seconds: ((performance.now() - started) / 1000).toFixed(1),
  });
  return columns;
}

/**
 * Joins each (tenant, metric)'s cached entries of consecutive merged files (oldest first, as
 * a query lists them) of those newer than `since`; returns the entries made. A file not in
 * the cache ends a run: an entry must stand for files in a row. Tenants are kept apart: a
 * joined entry stands for each of its files, and a query reads one tenant's.
 */
async function joinWarmed(
  cache: QueryCache,
  files: readonly FileEntry[],
  since: number,
  stopped: () => boolean,
): Promise<number> {
  const merged = files
    .filter((f) => f.maxTime >= since && f.level > 0)
    .sort((a, b) => a.minTime - b.minTime);
  // The runs of each tenant's metric, cut where a file is not cached.
  const runs: { metric: string; run: CachedMetric[] }[] = [];
  const open = new Map<string, { metric: string; run: CachedMetric[] }>();
  for (const f of merged) {
    for (const metric of f.metrics) {
      const key = `${f.tenant}\n${metric}`;
      let current = open.get(key);
      const entry = cache.peek(f.key, metric);
      if (entry === undefined) {
        open.delete(key);
        continue;
      }
      if (current === undefined) {
        current = { metric, run: [] };
        open.set(key, current);
        runs.push(current);
      }
      if (current.run.at(-1) !== entry) current.run.push(entry);
    }
  }
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  let joined = 0;
  for (const { metric, run } of runs) {
    if (stopped()) break;
    if (run.length < 2) continue;
    try {
      if (await cache.join(metric, run, pause)) joined++;
    } catch (err) {
      log.warn("Cannot join cache entries", { metric, error: String(err) });
    }
  }
  return joined;
}

/** Series sorted by (metric, labels), cut into one run per metric. */
function byMetric(series: readonly StoredSeries[]): Map<string, StoredSeries[]> {
  const out = new Map<string, StoredSeries[]>();
  for (const s of series) {
    const metric = labelValue(s.labels, "__name__");
    const group = out.get(metric);
    if (group) group.push(s);
    else out.set(metric, [s]);
  }
  return out;
}
