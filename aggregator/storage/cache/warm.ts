/**
 * Warms the query cache after the aggregator starts: the decoded samples of the newest
 * committed metric files are read in the background, newest file first, so that the first
 * dashboard opened after a restart is answered from memory rather than paying for Parquet
 * decoding (seconds for a day of 10,000 series). Each file is read whole, once, pinned while
 * read; its columns enter the cache as a query would have left them (with the postings of
 * every label built, which a query would build on first use), under the cache's own budget
 * and eviction. It stops at `fill` of the budget, leaving the rest to queries. Each metric's
 * entries of consecutive merged files are joined into one (cache_join.ts), as the first query
 * reading them would have them joined: that query then finds one slice per series instead of
 * one per hour (a 24 h `sum(rate)` over 6,696 series: ~60 ms against ~350 ms).
 *
 * The joins are made as the files are read, whenever the hourly entries read since the last
 * ones reach `joinEvery` bytes, and the garbage they leave (the hourly entries they replace,
 * the decoders' arrays) is collected then: holding a day of hourly entries before joining
 * them, and their garbage after, took the process to ~1.9 GB for a day of 10,000 series
 * whose joined entries take ~250 MB.
 *
 * The store takes the warm-up up again for the merged files committed after the start
 * (`mergedOnly`: compaction's, here or on another aggregator; MetricsStore.rewarm), so that a
 * dashboard first opened a day after the start is answered from memory too.
 */
import { logger } from "../../../shared/log/log.ts";
import { labelValue } from "../../../shared/model/labels.ts";
import type { Bucket } from "../bucket/bucket.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { FileEntry } from "../catalog/entry.ts";
import { ALL_TIME, readMetricsFiles, type StoredSeries } from "../parquet/reader.ts";
import { openCommitted } from "../staging/staging.ts";
import type { Pins } from "../union.ts";
import type { CachedMetric, QueryCache } from "./cache.ts";
import { collectGarbage } from "./collect.ts";

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
  /**
   * Bytes of hourly entries read after which they are joined (default: an eighth of the
   * budget). Less lowers the peak and costs time: each join rebuilds the joined entries.
   */
  joinEvery?: number;
  /** True once the aggregator is stopping. */
  stopped: () => boolean;
  /**
   * Merged files only (level > 0): a warm-up after the start, when the head holds what the
   * newest flush files hold and compaction soon replaces them.
   */
  mergedOnly?: boolean;
}

/** Reads the newest files into the cache; resolves with the (file, metric) columns added. */
export async function warmCache(opts: WarmOptions): Promise<number> {
  const { cache, pins, bucket } = opts;
  const files = opts.catalog
    .all()
    .filter((f) => f.signal === "metrics" && f.tier === "raw" && (!opts.mergedOnly || f.level > 0))
    .sort((a, b) => b.maxTime - a.maxTime);
  if (files.length === 0) return 0;
  const since = files[0].maxTime - opts.spanMs;
  const joinEvery = opts.joinEvery ?? cache.maxBytes / 8;
  const joiner = new WarmJoiner(cache, files, since, opts.stopped);
  const started = performance.now();
  let columns = 0;
  let unjoined = 0;
  for (const f of files) {
    const full = () => cache.bytes > cache.maxBytes * opts.fill || opts.stopped();
    if (f.maxTime < since || full()) break;
    if (f.metrics.every((m) => cache.has(f.key, m))) continue;
    pins.pin([f.key]);
    try {
      const local = await openCommitted(bucket, f.key);
      try {
        const series = await readMetricsFiles([local.path], ALL_TIME);
        for (const [metric, group] of byMetric(series)) {
          if (full()) break;
          if (cache.has(f.key, metric)) continue;
          unjoined += cache.set(f.key, metric, group, { index: true }).bytes;
          columns++;
        }
      } finally {
        local.release();
      }
    } finally {
      pins.unpin([f.key]);
    }
    if (unjoined >= joinEvery) {
      await joiner.join();
      unjoined = 0;
    }
  }
  // A later warm-up that read nothing new has nothing to join, and no garbage to collect: it
  // runs every minute, and a full collection of a warm cache is not free.
  if (columns === 0 && opts.mergedOnly) return 0;
  await joiner.join();
  log.info("Warmed the query cache", {
    columns,
    joined: joiner.made,
    bytes: cache.bytes,
    seconds: ((performance.now() - started) / 1000).toFixed(1),
  });
  return columns;
}

/**
 * Joins the warmed entries, each time it is asked, into the joined entries made before, then
 * collects the garbage: the entries joined, and what decoding left.
 */
class WarmJoiner {
  /** Joined entries made (each join of a metric's run counts once, however often rebuilt). */
  made = 0;
  /** Runs (by key) that did not join: not tried again (each try builds the entry). */
  private readonly failed = new Set<string>();
  private readonly joinedOnce = new Set<string>();

  constructor(
    private readonly cache: QueryCache,
    private readonly files: readonly FileEntry[],
    private readonly since: number,
    private readonly stopped: () => boolean,
  ) {}

  /** Joins what the cache holds now, then collects. */
  async join(): Promise<void> {
    await this.joinRuns();
    await collectGarbage();
  }

  private async joinRuns(): Promise<void> {
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (const { key, metric, run } of warmedRuns(this.cache, this.files, this.since)) {
      if (this.stopped()) break;
      if (run.length < 2 || this.failed.has(key)) continue;
      try {
        if (await this.cache.join(metric, run, pause)) {
          if (!this.joinedOnce.has(key)) this.made++;
          this.joinedOnce.add(key);
        } else this.failed.add(key);
      } catch (err) {
        this.failed.add(key);
        log.warn("Cannot join cache entries", { metric, error: String(err) });
      }
    }
  }
}

/** A run of entries to join, and its key: its tenant, metric and newest file. */
interface WarmedRun {
  key: string;
  readonly metric: string;
  readonly run: CachedMetric[];
}

/**
 * Each (tenant, metric)'s cached entries of consecutive merged files (oldest first, as a
 * query lists them) of those newer than `since`, keyed `tenant\nmetric`. A file not in the
 * cache ends a run: an entry must stand for files in a row. Tenants are kept apart: a joined
 * entry stands for each of its files, and a query reads one tenant's. A joined entry made
 * before stands for its files in the run, so the run joins into it. Files are read newest
 * first, so a run grows towards older files and keeps its newest: that names it.
 */
function warmedRuns(cache: QueryCache, files: readonly FileEntry[], since: number): WarmedRun[] {
  const merged = files
    .filter((f) => f.maxTime >= since && f.level > 0)
    .sort((a, b) => a.minTime - b.minTime);
  // The runs of each tenant's metric, cut where a file is not cached.
  const runs: WarmedRun[] = [];
  const open = new Map<string, WarmedRun>();
  for (const f of merged) {
    for (const metric of f.metrics) {
      const series = `${f.tenant}\n${metric}`;
      let current = open.get(series);
      const entry = cache.peek(f.key, metric);
      if (entry === undefined) {
        open.delete(series);
        continue;
      }
      if (current === undefined) {
        current = { key: "", metric, run: [] };
        open.set(series, current);
        runs.push(current);
      }
      if (current.run.at(-1) !== entry) current.run.push(entry);
      current.key = `${series}\n${f.key}`;
    }
  }
  return runs;
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

/** The metric with the most series the warm-up left in the cache, and the span it covers. */
export interface WarmedMetric {
  readonly tenant: string;
  readonly metric: string;
  readonly series: number;
  /** The newest sample time of the files warmed (Unix ms), and how far back they reach. */
  readonly toMs: number;
  readonly fromMs: number;
}

/**
 * The largest metric (by series) of the newest raw metrics file that the cache holds after a
 * warm-up of `spanMs`, or null when it holds none: what the query warm-up (api/http/warm.ts)
 * runs its shapes on, so that they read what a user's first dashboard reads.
 */
export function warmedMetric(
  cache: QueryCache,
  files: readonly FileEntry[],
  spanMs: number,
): WarmedMetric | null {
  let newest: FileEntry | null = null;
  for (const f of files) {
    if (f.signal !== "metrics" || f.tier !== "raw") continue;
    if (newest === null || f.maxTime > newest.maxTime) newest = f;
  }
  if (newest === null) return null;
  let best: WarmedMetric | null = null;
  for (const metric of newest.metrics) {
    const series = cache.peek(newest.key, metric)?.series.length ?? 0;
    if (series > (best?.series ?? 0)) {
      const { tenant, maxTime } = newest;
      best = { tenant, metric, series, toMs: maxTime, fromMs: maxTime - spanMs };
    }
  }
  return best;
}
