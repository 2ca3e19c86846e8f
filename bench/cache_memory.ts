/**
 * What the query cache really costs the aggregator's memory, against what it accounts
 * (`outpost_query_cache_bytes`). Generated data (../shared/bench/gen_openmetrics.py) is
 * imported with `outpost import`; then aggregators serve it in turn:
 *
 * 1. the aggregator as `outpost up` runs it: the warm-up (`query.cache_warm`, 24 h) decodes
 *    the day's files into the cache and joins each metric's hourly entries. Once it logs
 *    "Warmed the query cache", its RSS and peak RSS (VmHWM) are read against the accounted
 *    bytes; then again after the PromQL benchmark's queries (bench/lib/promql_queries.ts)
 *    ran a few times;
 * 2. with `--baseline DIR`, the same for the aggregator of another checkout (an issue's
 *    starting commit), over the same data;
 * 3. the "empty process": the cache off (`query.cache_max_bytes: 0`), idle, then after the
 *    same queries (which it answers from Parquet).
 *
 * The figure is (RSS − empty RSS) / accounted bytes: 1 when the cache costs exactly what it
 * says it holds. The goal is at most 1.25 against the idle empty process.
 *
 *   bun bench/cache_memory.ts                 10,000 series × 24 h
 *   bun bench/cache_memory.ts --quick         1,000 series × 24 h
 *   bun bench/cache_memory.ts --series N --hours H --rounds R
 *   bun bench/cache_memory.ts --data-dir DIR  import into DIR once and keep it (reused when
 *                                             DIR/bucket exists)
 *   bun bench/cache_memory.ts --baseline DIR  also the aggregator of the checkout in DIR
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { AggregatorProcess } from "../test/harness/aggregator.ts";
import { outpostImport, startOutpost } from "./lib/outpost.ts";
import { report } from "./lib/pipeline.ts";
import { mb, rssBytes } from "./lib/proc.ts";
import {
  firstTimestamp,
  oneSeries,
  type Query,
  queries,
  request,
  type Window,
  windowOf,
} from "./lib/promql_queries.ts";
import { generate } from "./lib/replay.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
    rounds: { type: "string" },
    "data-dir": { type: "string" },
    baseline: { type: "string" },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? (flags.quick ? 1000 : 10_000));
const HOURS = Number(flags.hours ?? 24);
const ROUNDS = Number(flags.rounds ?? 3);
/** How long the warm-up may take (10,000 series × 24 h: ~15–40 s on a busy 2-core host). */
const WARM_TIMEOUT_MS = 15 * 60_000;
/** Time given to the process to settle (timers, a compaction pass) before RSS is read. */
const SETTLE_MS = 5_000;
/** The same after queries, whose garbage takes longer to go (measured: ~15 s). */
const QUERIED_SETTLE_MS = 15_000;

/** A field of /proc/<pid>/status in kB (VmHWM: peak RSS; RssAnon, RssFile, RssShmem), in bytes. */
function statusBytes(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!m) throw new Error(`Cannot read ${field} of process ${pid}: not in its status`);
  return Number(m[1]) * 1024;
}

/** The value of an unlabelled gauge on the aggregator's /metrics. */
async function gauge(agg: AggregatorProcess, name: string): Promise<number> {
  const text = await (await fetch(`${agg.url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  if (!m) throw new Error(`Cannot read ${name}: the aggregator does not export it`);
  return Number(m[1]);
}

/** A promise of a log line holding `text`, seen by `onLog` within `ms` (else it rejects). */
function logged(text: string, ms: number): { onLog: (line: string) => void; seen: Promise<void> } {
  let onLog: (line: string) => void = () => {};
  const seen = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Cannot measure the warmed cache: no warm-up ended in ${ms} ms`)),
      ms,
    );
    onLog = (line) => {
      if (!line.includes(text)) return;
      clearTimeout(timer);
      resolve();
    };
  });
  return { onLog: (line) => onLog(line), seen };
}

/** Resident memory of an aggregator at one stage, and what its cache accounts then. */
interface Stage {
  readonly accounted: number;
  readonly rss: number;
}

/** Reports RSS (and its kinds), peak RSS and the cache's accounted bytes of `agg` as `name`. */
async function stage(agg: AggregatorProcess, name: string, cache = true): Promise<Stage> {
  const accounted = cache ? await gauge(agg, "outpost_query_cache_bytes") : 0;
  const rss = rssBytes(agg.proc.pid);
  if (cache) report(`${name}_accounted`, mb(accounted), "MB");
  report(`${name}_rss`, mb(rss), "MB");
  // JavaScriptCore's heap: live cells and the memory they report (typed arrays' buffers).
  report(`${name}_js_heap`, mb(await gauge(agg, "process_heap_bytes")), "MB");
  report(`${name}_rss_peak`, mb(statusBytes(agg.proc.pid, "VmHWM")), "MB");
  // Resident pages of mapped files are mostly code (DuckDB's is touched by the first read);
  // SharedArrayBuffers would show as shared memory if the runtime mapped them so.
  for (const kind of ["Anon", "File", "Shmem"]) {
    report(`${name}_rss_${kind.toLowerCase()}`, mb(statusBytes(agg.proc.pid, `Rss${kind}`)), "MB");
  }
  return { accounted, rss };
}

/** Sends every query `rounds` times, each after the last answered. */
async function runQueries(agg: AggregatorProcess, list: readonly Query[], w: Window) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of list) {
      const res = await fetch(request(agg.url, q, w));
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`Cannot run ${q.short}: HTTP ${res.status}`);
    }
  }
  // RSS falls for ~15 s after a burst of queries (measured): the collector and the
  // allocators return what the queries left; joins the queries started end too.
  await Bun.sleep(QUERIED_SETTLE_MS);
}

/**
 * An aggregator of the checkout at `root` that warms its cache, measured once warmed and
 * after the queries (`list`, picked by the first one when not given), as `name`.
 */
async function warmed(
  dir: string,
  name: string,
  w: Window,
  given: Query[] | undefined,
  root?: string,
): Promise<{ warm: Stage; queried: Stage; list: Query[] }> {
  const teardown = new Teardown();
  try {
    const warm = logged('msg="Warmed the query cache"', WARM_TIMEOUT_MS);
    const started = performance.now();
    const agg = await startOutpost(dir, teardown, { onLog: warm.onLog, root });
    await warm.seen;
    report(`${name}_warm_seconds`, (performance.now() - started) / 1000, "s");
    await Bun.sleep(SETTLE_MS);
    const warmStage = await stage(agg, `${name}_warm`);
    const list = given ?? queries(await oneSeries(agg.url, w));
    progress(`the PromQL benchmark's ${list.length} queries, ${ROUNDS} rounds`);
    await runQueries(agg, list, w);
    return { warm: warmStage, queried: await stage(agg, `${name}_queried`), list };
  } finally {
    await teardown.run();
  }
}

/** The empty process: an aggregator with the cache off, idle and after the queries. */
async function empty(dir: string, list: readonly Query[], w: Window) {
  const teardown = new Teardown();
  try {
    const agg = await startOutpost(dir, teardown, {
      query: { cache_max_bytes: 0, cache_warm: "0s" },
    });
    await Bun.sleep(SETTLE_MS);
    const idle = await stage(agg, "cache_empty", false);
    progress(`the same queries with the cache off, ${ROUNDS} rounds`);
    await runQueries(agg, list, w);
    return { idle, queried: await stage(agg, "cache_empty_queried", false) };
  } finally {
    await teardown.run();
  }
}

/** Reports (RSS − empty RSS) / accounted bytes. */
function ratio(name: string, s: Stage, emptyRss: number): void {
  report(name, (s.rss - emptyRss) / s.accounted, "ratio");
}

const teardown = new Teardown();
try {
  const file = generate(SERIES, HOURS);
  const given = flags["data-dir"];
  const dir =
    typeof given === "string"
      ? resolve(given)
      : await mkdtemp(join(tmpdir(), "outpost-bench-cache-memory-"));
  if (typeof given !== "string") {
    teardown.defer("the bench directory", () => rm(dir, { recursive: true, force: true }));
  }
  if (!existsSync(join(dir, "bucket"))) {
    progress(`outpost import of ${SERIES} series × ${HOURS} h into ${dir}`);
    await outpostImport(dir, file, teardown);
  }
  const w = windowOf(await firstTimestamp(file), HOURS);

  progress("an aggregator warming its cache");
  const now = await warmed(dir, "cache", w, undefined);
  let baseline: Awaited<ReturnType<typeof warmed>> | undefined;
  if (typeof flags.baseline === "string") {
    progress(`the baseline aggregator from ${flags.baseline} warming its cache`);
    baseline = await warmed(dir, "cache_baseline", w, now.list, resolve(flags.baseline));
  }
  progress("the empty process: an aggregator with the cache off");
  const off = await empty(dir, now.list, w);

  ratio("cache_warm_rss_over_accounted", now.warm, off.idle.rss);
  ratio("cache_queried_rss_over_accounted", now.queried, off.idle.rss);
  ratio("cache_queried_rss_over_accounted_vs_empty_queried", now.queried, off.queried.rss);
  if (baseline) {
    ratio("cache_baseline_warm_rss_over_accounted", baseline.warm, off.idle.rss);
    ratio("cache_baseline_queried_rss_over_accounted", baseline.queried, off.idle.rss);
  }
} finally {
  await teardown.run();
}
