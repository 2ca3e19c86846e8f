/**
 * The metrics store: one head per tenant in front of the Parquet files of the bucket. Ingest
 * appends to it; a timer (or a full head) flushes new samples to Parquet; queries see the
 * union. It is the `IngestSink` the JetStream consumer feeds.
 */
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { MetricMetadata } from "../../shared/model/sample.ts";
import type { Frame } from "../ingest/frame.ts";
import type { Bucket } from "./bucket/bucket.ts";
import { type CacheMirror, QueryCache } from "./cache/cache.ts";
import { cacheMetrics } from "./cache/metrics.ts";
import { type WarmedMetric, warmCache, warmedMetric } from "./cache/warm.ts";
import type { Catalog } from "./catalog/catalog.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { type FlushPart, writeAndCommit } from "./flush.ts";
import { Head } from "./head/head.ts";
import { LabelsMemo } from "./labels_memo.ts";
import { MetadataIndex } from "./metadata.ts";
import { StoreMetrics } from "./metrics.ts";
import { preloadDb } from "./parquet/db.ts";
import { RollupCache } from "./rollup_cache.ts";
import { RollupDisk } from "./rollup_disk.ts";
import type { Querier, Queryable } from "./storage.ts";
import { openUnionQuerier, Pins } from "./union.ts";

const log = logger("store");

/** The warm-up fills at most this fraction of the query cache: the rest is for queries. */
const WARM_FILL = 0.75;

/**
 * How often the warm-up is taken up again for files merged since (rewarm()): besides after
 * each compaction pass here, for the merges of another aggregator's compactor, which the
 * catalog's refresh brings.
 */
const REWARM_EVERY_MS = 60_000;

/**
 * A flush leaves the columns of every row it wrote behind as garbage at once. Once flushes
 * have written this many rows (a few MB of columns) a full collection gives that memory back,
 * rather than let the heap grow by the next flush's size on top of it: at 20,000 series and
 * 480,000-row flushes, collecting after each kept RSS at 738–792 bytes a series, and after
 * every other one only at 1,659 (bench/aggregator_memory.ts). Smaller flushes wait for the
 * next ones: a full collection marks the whole heap, 56 ms of CPU with 2,000 rules loaded
 * (their parsed queries, templates and alerts; bench/rules_eval.ts), paid every minute by a
 * deployment whose flushes are small (docs/benchmarks.md, "Rule evaluation").
 */
const COLLECT_AFTER_ROWS = 200_000;

/** How often a query may drop the cache entries of files no longer committed. */
const RETAIN_EVERY_MS = 5_000;

/** How many series a tenant may hold, and where the samples of the series refused go. */
export interface SeriesLimit {
  /** The series `tenant`'s head may hold (Infinity: no limit). */
  maxSeries(tenant: string): number;
  /** Told of the samples of new series dropped at the limit. */
  dropped(tenant: string, samples: number): void;
}

/** Options of the store. */
export interface MetricsStoreOptions {
  bucket: Bucket;
  catalog: Catalog;
  /** The aggregator id: names the files it writes. */
  writer: string;
  tmpDir: string;
  head: { maxBytes: number; retentionMs: number };
  /** Bytes of decoded file samples kept between queries (0: none). */
  queryCacheBytes?: number;
  /** At start, decode the files of this many ms back from the newest into the cache (0: none). */
  queryCacheWarmMs?: number;
  /** Told of the entries the cache keeps and drops (a rate helper thread). */
  queryCacheMirror?: CacheMirror;
  /** Where rollup runs read whole are kept between starts, and their budget (rollup_disk.ts). */
  rollupDisk?: { dir: string; maxBytes: number };
  flush: { intervalMs: number; maxSamples: number };
  registry: Registry;
  /** Called with the refs (stream sequences) whose data a flush committed. */
  onCommitted: (refs: readonly number[]) => void;
  /** Called just before a flush writes, e.g. to extend the ack deadline of pending batches. */
  onFlushStart?: () => void;
  /** Each tenant's active-series limit (limits/ingest.ts); none: no limit. */
  seriesLimit?: SeriesLimit;
}

/** Heads per tenant, the flush loop, and the queryable union over head and Parquet. */
export class MetricsStore {
  private readonly heads = new Map<string, Head>();
  /** Files this process flushed, by key, with their newest sample: while the head still holds
   * their time range, queries skip them. */
  private readonly ownFiles = new Map<string, number>();
  private readonly retry: FlushPart[] = [];
  private readonly metrics: StoreMetrics;
  readonly pins = new Pins();
  private readonly cache: QueryCache | undefined;
  private readonly rollupCache: RollupCache | undefined;
  private readonly labelsMemo: LabelsMemo | undefined;
  /** When the cache last dropped the entries of files gone from the catalog. */
  private retained = Number.NEGATIVE_INFINITY;
  private readonly metadataIndex = new MetadataIndex();
  private unflushed = 0;
  /** Rows flushed since the last full collection (see COLLECT_AFTER_ROWS). */
  private flushedSinceCollect = 0;
  private flushing: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private rewarmTimer: ReturnType<typeof setInterval> | null = null;
  /** The cache warm-up under way (or the last one): resolves with the columns it read. */
  warming: Promise<number> = Promise.resolve(0);
  private warmingNow = false;

  constructor(private readonly opts: MetricsStoreOptions) {
    this.metrics = new StoreMetrics(opts.registry, () => this.headStats());
    this.cache = opts.queryCacheBytes
      ? new QueryCache(opts.queryCacheBytes, opts.queryCacheMirror)
      : undefined;
    if (this.cache) cacheMetrics(opts.registry, this.cache);
    // A quarter of the budget on top: a joined 5 m run of every column costs 85 bytes a row
    // (`rollupRowBytes`; 105 before rows were held compactly), ~170 KB a series over a week,
    // and must fit whole or it is joined again on every query (an eighth, 128 MB
    // by default, left the 7 d benchmark's ~600-series counter out: 2.6 s a query).
    const disk = opts.rollupDisk?.maxBytes
      ? new RollupDisk(opts.rollupDisk.dir, opts.rollupDisk.maxBytes, opts.registry)
      : undefined;
    this.rollupCache = opts.queryCacheBytes
      ? new RollupCache(opts.queryCacheBytes / 4, disk)
      : undefined;
    // Label lookups' series per file (labels_memo.ts): off with the caches, for comparison.
    this.labelsMemo = opts.queryCacheBytes ? new LabelsMemo() : undefined;
  }

  /**
   * Starts the flush timer, and the cache warm-up in the background. DuckDB is loaded here, in
   * the background, only when the catalog lists files (a process without any has no use for
   * its ~20 MB), so that the first query over them does not wait for it; else the first flush
   * loads it.
   */
  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flush.intervalMs);
    const cache = this.cache;
    const spanMs = this.opts.queryCacheWarmMs ?? 0;
    if (this.opts.catalog.all().length > 0) preloadDb();
    if (cache && spanMs > 0) {
      this.warming = this.warm(false);
      this.rewarmTimer = setInterval(() => void this.rewarm(), REWARM_EVERY_MS);
    }
  }

  /**
   * Takes the cache warm-up up again for the merged files committed since it last ran, within
   * `queryCacheWarmMs` of the newest and under the same fill: without it the cache holds the
   * day before the start and what queries read, and the first dashboard over hours merged
   * since reads them from Parquet (a day of a host's series: 8 s of a cold Node Exporter Full
   * load, bench/ui_dashboard.ts). Files already cached cost a lookup; a warm-up under way is
   * shared. Called after each compaction pass and every minute.
   */
  rewarm(): Promise<number> {
    const spanMs = this.opts.queryCacheWarmMs ?? 0;
    if (!this.cache || spanMs <= 0 || this.timer === null || this.warmingNow) return this.warming;
    this.warming = this.warm(true);
    return this.warming;
  }

  private warm(mergedOnly: boolean): Promise<number> {
    this.warmingNow = true;
    return warmCache({
      catalog: this.opts.catalog,
      bucket: this.opts.bucket,
      pins: this.pins,
      cache: this.cache!,
      spanMs: this.opts.queryCacheWarmMs ?? 0,
      fill: WARM_FILL,
      stopped: () => this.timer === null,
      mergedOnly,
    })
      .catch((err) => {
        log.warn("Cannot warm the query cache: queries will read Parquet", {
          error: String(err),
        });
        return 0;
      })
      .finally(() => {
        this.warmingNow = false;
      });
  }

  /** The largest metric the cache warm-up left in the cache (null before it ends, or without). */
  warmed(): WarmedMetric | null {
    const spanMs = this.opts.queryCacheWarmMs ?? 0;
    if (!this.cache || spanMs <= 0) return null;
    return warmedMetric(this.cache, this.opts.catalog.all(), spanMs);
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.rewarmTimer) clearInterval(this.rewarmTimer);
    this.timer = null;
    this.rewarmTimer = null;
    await this.warming;
    // A flush under way cut before the last appends: wait for it, then flush the rest.
    await this.flushing;
    await this.flush();
  }

  /** Appends a batch; false when the head is over its memory limit (the consumer then waits). */
  accept(frame: Frame, seq: number): boolean {
    this.metadataIndex.observe(frame.tenant, frame.batch.metadata);
    const limit = this.opts.seriesLimit;
    const max = limit ? limit.maxSeries(frame.tenant) : Number.POSITIVE_INFINITY;
    const dropped = this.head(frame.tenant).append(frame.batch, seq, max);
    if (dropped > 0) limit?.dropped(frame.tenant, dropped);
    this.unflushed += frame.batch.samples.length - dropped;
    if (this.unflushed >= this.opts.flush.maxSamples) void this.flush();
    return !this.overLimit();
  }

  /**
   * True when a committed file holds batch `seq`. A redelivery first re-reads the catalog (at
   * most once a second): whoever held the batch before committed it, if at all, before JetStream
   * gave up waiting for its ack — `ack_wait` earlier, far more than that second.
   */
  async isCommitted(seq: number, redelivered: boolean): Promise<boolean> {
    if (this.opts.catalog.hasSeq(seq)) return true;
    if (redelivered) await this.opts.catalog.refreshIfOlder(1_000);
    return this.opts.catalog.hasSeq(seq);
  }

  /** Resolves when the head is below its limit again (after a flush). */
  async drained(): Promise<void> {
    while (this.overLimit()) {
      await this.flush();
      if (this.overLimit()) await Bun.sleep(100);
    }
  }

  /** Writes every sample not yet in Parquet; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** A queryable view of one tenant. */
  queryable(tenant: string): Queryable {
    return { querier: () => this.querier(tenant), tenant };
  }

  /** The query cache's bytes, hits and misses (undefined when it is off). */
  cacheStats(): { bytes: number; hits: number; misses: number } | undefined {
    const c = this.cache;
    return c && { bytes: c.bytes, hits: c.hits, misses: c.misses };
  }

  /** HELP/TYPE/UNIT of the families the tenant's agents sent (see MetadataIndex). */
  metadata(tenant: string): MetricMetadata[] {
    return this.metadataIndex.list(tenant);
  }

  /** Opens a querier over one tenant's head and files. */
  querier(tenant: string): Promise<Querier> {
    const head = this.heads.get(tenant);
    if (this.cache && performance.now() - this.retained >= RETAIN_EVERY_MS) {
      // Entries of files merged away or expired are dead weight (no query reads them): drop
      // them, every few seconds rather than per query, which would walk every entry each time.
      const catalog = this.opts.catalog;
      this.cache.retain((key) => catalog.has(key));
      this.labelsMemo?.retain((key) => catalog.has(key));
      this.retained = performance.now();
    }
    return openUnionQuerier({
      tenant,
      cache: this.cache,
      catalog: this.opts.catalog,
      bucket: this.opts.bucket,
      pins: this.pins,
      rollupCache: this.rollupCache,
      labelsMemo: this.labelsMemo,
      head: head && {
        querier: () => head.querier(),
        holds: (f: FileEntry) => this.ownFiles.has(f.key) && f.minTime >= head.minTime(),
        minTime: () => head.minTime(),
      },
    });
  }

  /** Series, samples and bytes held by every head. */
  headStats(): { series: number; samples: number; bytes: number } {
    const total = { series: 0, samples: 0, bytes: 0 };
    for (const h of this.heads.values()) {
      const s = h.stats();
      total.series += s.series;
      total.samples += s.samples;
      total.bytes += s.bytes;
    }
    return total;
  }

  private head(tenant: string): Head {
    let head = this.heads.get(tenant);
    if (!head) {
      head = new Head({ maxBytes: this.opts.head.maxBytes });
      this.heads.set(tenant, head);
    }
    return head;
  }

  /** Over the memory limit: a head is, or data a failed flush kept for the next one is. */
  private overLimit(): boolean {
    for (const h of this.heads.values()) if (h.overLimit()) return true;
    // Rows waiting for a retry are outside the heads' accounting (16 bytes a sample, and more).
    const retrying = this.retry.reduce((n, p) => n + p.rows.length * 16, 0);
    return retrying > this.opts.head.maxBytes / 2;
  }

  private async doFlush(): Promise<void> {
    const parts = this.retry.splice(0);
    for (const [tenant, head] of this.heads) {
      const { rows, refs } = head.cut();
      if (rows.length > 0 || refs.length > 0) parts.push({ tenant, rows, refs });
    }
    this.unflushed = 0;
    // Nothing written, nothing to give back: a full collection of a heap holding a warm
    // query cache costs a second of CPU, not worth paying every interval of an idle store.
    if (parts.length === 0) return this.truncate(false);
    this.opts.onFlushStart?.();
    const started = performance.now();
    let entries: FileEntry[];
    try {
      entries = await writeAndCommit(
        {
          bucket: this.opts.bucket,
          catalog: this.opts.catalog,
          writer: this.opts.writer,
          tmpDir: this.opts.tmpDir,
        },
        parts,
      );
    } catch (err) {
      // Nothing was committed nor acknowledged: keep the data and try again at the next flush.
      this.retry.push(...parts);
      this.metrics.flushErrors.inc();
      log.error("Cannot flush the head to Parquet: retrying at the next flush", {
        error: String(err),
      });
      return this.truncate();
    }
    for (const e of entries) this.ownFiles.set(e.key, e.maxTime);
    this.metrics.flushDuration.observe((performance.now() - started) / 1000);
    this.metrics.flushedSamples.inc(entries.reduce((n, e) => n + e.rows, 0));
    this.metrics.flushedFiles.inc(entries.length);
    this.opts.onCommitted(parts.flatMap((p) => p.refs));
    this.flushedSinceCollect += parts.reduce((n, p) => n + p.rows.length, 0);
    const collect = this.flushedSinceCollect >= COLLECT_AFTER_ROWS;
    if (collect) this.flushedSinceCollect = 0;
    this.truncate(collect);
  }

  private truncate(collect = true): void {
    if (collect) Bun.gc(true);
    const before = Date.now() - this.opts.head.retentionMs;
    for (const h of this.heads.values()) h.truncate(before);
    // Files wholly older than every head can no longer be skipped: forget them.
    let oldest = Number.POSITIVE_INFINITY;
    for (const h of this.heads.values()) oldest = Math.min(oldest, h.minTime());
    for (const [key, maxTime] of this.ownFiles) if (maxTime < oldest) this.ownFiles.delete(key);
  }
}
