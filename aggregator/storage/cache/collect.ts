/**
 * A full garbage collection after the cache let go of many entries at once (a join replaces
 * a day of hourly entries: hundreds of MB for 10,000 series). JavaScriptCore collects as more
 * is allocated, and an aggregator idle after its warm-up or a dashboard's queries allocates
 * nothing more: without this the garbage stayed resident (1.6 GB of RSS for a cache of
 * 234 MB, measured by bench/cache_memory.ts).
 */

/**
 * Collects from a timer: the collector scans the stack conservatively, and run at the end of
 * an async function a collection kept a stale pointer's worth of joined-away entries one time
 * in two (measured); from a timer it has not. A full collection of a warmed day's cache
 * takes ~10 ms.
 */
export function collectGarbage(): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      Bun.gc(true);
      resolve();
    }, 0),
  );
}
