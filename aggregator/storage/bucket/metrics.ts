import type { Metric, Registry, Value } from "../../../shared/metrics/registry.ts";

/** The operations a bucket counts, as they appear in the `op` label. */
export type BucketOp = "put" | "put_file" | "get" | "list" | "delete" | "move" | "open_local";

const OPS: readonly BucketOp[] = ["put", "put_file", "get", "list", "delete", "move", "open_local"];

/**
 * A bucket's self-metrics. Without a registry every method does nothing, so a bucket used by
 * a tool (`outpost import`) or a test needs no registry.
 */
export class BucketMetrics {
  private readonly ops = new Map<BucketOp, { calls: Value; errors: Value }>();
  private readonly hits?: Metric;
  private readonly misses?: Metric;
  private readonly evictions?: Metric;
  private readonly cacheBytes?: Metric;

  constructor(registry?: Registry) {
    if (!registry) return;
    const calls = registry.counter(
      "outpost_bucket_operations_total",
      "Object storage operations started, by operation.",
      ["op"],
    );
    const errors = registry.counter(
      "outpost_bucket_errors_total",
      "Object storage operations that failed, by operation.",
      ["op"],
    );
    for (const op of OPS) {
      this.ops.set(op, { calls: calls.labels({ op }), errors: errors.labels({ op }) });
    }
    this.hits = registry.counter(
      "outpost_bucket_cache_hits_total",
      "Objects opened from the local file cache without a download.",
    );
    this.misses = registry.counter(
      "outpost_bucket_cache_misses_total",
      "Objects opened that had to be downloaded into the local file cache.",
    );
    this.evictions = registry.counter(
      "outpost_bucket_cache_evictions_total",
      "Files removed from the local file cache to stay under its size limit.",
    );
    this.cacheBytes = registry.gauge(
      "outpost_bucket_cache_bytes",
      "Bytes of the files in the local file cache.",
    );
  }

  /** Runs one operation, counting it and, if it throws, its error. */
  async track<T>(op: BucketOp, run: () => Promise<T>): Promise<T> {
    const m = this.ops.get(op);
    m?.calls.inc();
    try {
      return await run();
    } catch (err) {
      m?.errors.inc();
      throw err;
    }
  }

  /** Counts an open served from the cache. */
  hit(): void {
    this.hits?.inc();
  }

  /** Counts an open that needed a download. */
  miss(): void {
    this.misses?.inc();
  }

  /** Counts a file evicted from the cache. */
  evicted(): void {
    this.evictions?.inc();
  }

  /** Records the cache's current size. */
  setCacheBytes(bytes: number): void {
    this.cacheBytes?.set(bytes);
  }
}
