/**
 * What the query cache really costs the aggregator's memory, against what it accounts
 * (`outpost_query_cache_bytes`). Generated data (../shared/bench/gen_openmetrics.py) is
 * imported with `outpost import`; then two aggregators serve it in turn:
 *
 * 1. the "empty process": the cache off (`query.cache_max_bytes: 0`), its RSS once started;
 * 2. the aggregator as `outpost up` runs it: the warm-up (`query.cache_warm`, 24 h) decodes
 *    the day's files into the cache and joins each metric's hourly entries. Once it logs
 *    "Warmed the query cache", its RSS and peak RSS (VmHWM) are read against the accounted
 *    bytes; then again after the PromQL benchmark's queries (bench/lib/promql_queries.ts) ran
 *    a few times.
 *
 * The figure is (RSS − empty RSS) / accounted bytes: 1 when the cache costs exactly what it
 * says. The goal is at most 1.25.
 *
 *   bun bench/cache_memory.ts                 10,000 series × 24 h
 *   bun bench/cache_memory.ts --quick         1,000 series × 24 h
 *   bun bench/cache_memory.ts --series N --hours H --rounds R
 *   bun bench/cache_memory.ts --data-dir DIR  import into DIR once and keep it (reused when
 *                                             DIR/bucket exists)
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
import { firstTimestamp, oneSeries, queries, request, windowOf } from "./lib/promql_queries.ts";
import { generate } from "./lib/replay.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
    rounds: { type: "string" },
    "data-dir": { type: "string" },
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

/** The RSS of an aggregator with the cache off, once started and settled. */
async function emptyRss(dir: string): Promise<number> {
  const teardown = new Teardown();
  try {
    const agg = await startOutpost(dir, teardown, {
      query: { cache_max_bytes: 0, cache_warm: "0s" },
    });
    await Bun.sleep(SETTLE_MS);
    report("cache_empty_rss_file", mb(statusBytes(agg.proc.pid, "RssFile")), "MB");
    return rssBytes(agg.proc.pid);
  } finally {
    await teardown.run();
  }
}

/** Reports RSS, peak and the cache's accounted bytes of `agg`, and their ratio, as `stage`. */
async function measure(agg: AggregatorProcess, stage: string, empty: number): Promise<void> {
  const accounted = await gauge(agg, "outpost_query_cache_bytes");
  const rss = rssBytes(agg.proc.pid);
  report(`cache_${stage}_accounted`, mb(accounted), "MB");
  report(`cache_${stage}_rss`, mb(rss), "MB");
  report(`cache_${stage}_rss_peak`, mb(statusBytes(agg.proc.pid, "VmHWM")), "MB");
  // Resident pages of mapped files are mostly DuckDB's code, which the empty process has not
  // touched; shared memory holds the cache's SharedArrayBuffers (if the runtime maps them so).
  for (const kind of ["Anon", "File", "Shmem"]) {
    report(`cache_${stage}_rss_${kind.toLowerCase()}`, mb(statusBytes(agg.proc.pid, `Rss${kind}`)), "MB");
  }
  report(`cache_${stage}_rss_over_accounted`, (rss - empty) / accounted, "ratio");
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

  progress("the empty process: an aggregator with the cache off");
  const empty = await emptyRss(dir);
  report("cache_empty_rss", mb(empty), "MB");

  progress("an aggregator warming its cache");
  const warm = logged('msg="Warmed the query cache"', WARM_TIMEOUT_MS);
  const started = performance.now();
  const agg = await startOutpost(dir, teardown, { onLog: warm.onLog });
  await warm.seen;
  report("cache_warm_seconds", (performance.now() - started) / 1000, "s");
  await Bun.sleep(SETTLE_MS);
  await measure(agg, "warm", empty);
  report("cache_empty_rss_share_of_warm", empty / rssBytes(agg.proc.pid), "ratio");

  const w = windowOf(await firstTimestamp(file), HOURS);
  const list = queries(await oneSeries(agg.url, w));
  progress(`the PromQL benchmark's ${list.length} queries, ${ROUNDS} rounds`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of list) {
      const res = await fetch(request(agg.url, q, w));
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`Cannot run ${q.short}: HTTP ${res.status}`);
    }
  }
  // Joins the queries started run in the background: let them end.
  await Bun.sleep(SETTLE_MS);
  await measure(agg, "queried", empty);
} finally {
  await teardown.run();
}
