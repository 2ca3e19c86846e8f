import type { Registry } from "../../../shared/metrics/registry.ts";
import type { QueryCache } from "./cache.ts";

/** Gauges and counters of the decoded-series cache, read at scrape time. */
export function cacheMetrics(r: Registry, cache: QueryCache): void {
  const bytes = r.gauge(
    "outpost_query_cache_bytes",
    "Bytes the query cache holds: decoded samples of committed files, and each series' objects, labels and postings (their measured sizes).",
  );
  const hits = r.gauge(
    "outpost_query_cache_hits",
    "Reads of a file's metric served from the cache (since start).",
  );
  const misses = r.gauge(
    "outpost_query_cache_misses",
    "Reads of a file's metric decoded from Parquet (since start).",
  );
  const joins = r.gauge(
    "outpost_query_cache_joins",
    "Cache entries made by joining a metric's consecutive files, which a query then reads as one slice per series (since start).",
  );
  const decodes = r.gauge(
    "outpost_query_cache_decodes",
    "Reads of Parquet that decoded a query's missing entries, one for several consecutive files read together (since start).",
  );
  bytes.onCollect(() => {
    bytes.set(cache.bytes);
    hits.set(cache.hits);
    misses.set(cache.misses);
    joins.set(cache.joins);
    decodes.set(cache.decodes);
  });
}
