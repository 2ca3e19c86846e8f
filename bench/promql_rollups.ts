/**
 * Long ranges over rollups (issue 24): the same generated data in Outpost (`outpost import`,
 * which merges every hour and writes its 1 m, 5 m and daily 1 h rollups) and in Prometheus 2.42
 * (promtool backfill), range queries over the whole span at a 1 h step, each timed on
 * Outpost at its default resolution (`auto`: DEFAULT_ROLLUP_SPANS, rollups for the exact
 * `*_over_time` folds over 48 h or more, where they are fewer rows than raw), on Outpost from
 * raw samples (`resolution=raw`), on Outpost from 5 m and 1 h rollups (`resolution=5m`, `1h`;
 * rate/increase too) and on Prometheus, in alternation in the same run. Outpost's auto and raw answers must
 * be the same bytes; the 5 m and 1 h answers and Prometheus's must agree with them within 1e-6
 * (the windows are aligned).
 *
 *   bun bench/promql_rollups.ts                          1,000 series × 7 d, a sample a minute
 *   bun bench/promql_rollups.ts --series N --hours H --sample-step S [--runs N]
 *   bun bench/promql_rollups.ts --series 10000 --hours 720 --sample-step 300 \
 *     --level 9 --chunk-rows 30000000 --max-block-duration 720h --data /tmp/rollups-month
 *                                                        issue 24's 30 d goal
 *
 * `--level` and `--chunk-rows` go to `outpost import` (a month at the defaults took over an
 * hour here, most of it zstd 19), `--max-block-duration` to promtool (which parses the whole
 * file once per block, 2 h by default). `--data DIR` keeps both servers' data in DIR and
 * reuses it in later runs of the same size. `--cache-warm 720h` sets Outpost's
 * `query.cache_warm` and waits for its warm-up before the queries; `--cache-max-bytes 4GiB`
 * sets `query.cache_max_bytes`. `--only RE` runs the shapes
 * whose names match, `--skip RE` leaves out the `<shape>_<side>`s that match, `--slow-ms MS`
 * stops repeating a side whose first warm run took longer.
 *
 * Each shape's first query on each side is reported apart (`_first_ms`: after a restart, the
 * first read of a metric's hours from Parquet, or of its rollup rows, which are then joined)
 * from the median of the warm runs after it (`_ms`). What an earlier run kept in Outpost's disk
 * cache of rollup runs (`query.cache_disk_bytes`) is removed first, so `_first_ms` reads rows
 * never read before; after every shape, Outpost is restarted and each shape's first query timed
 * again (`_first_restarted_ms`: the rows the first reads kept on disk, mapped back), its answer
 * compared with the first one (`_restarted_same`).
 *
 * Samples sit 7 s before each whole step (`--end` 7 s before a whole hour), so that no sample
 * lies on the edge of a window ending on a whole hour, where Prometheus 2.42 (left-closed
 * windows) and 3 (left-open, as Outpost) differ; evaluation times are whole hours, which is
 * what lets rollups answer exactly. Prints `name value unit` lines.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { outpostImport, startOutpost } from "./lib/outpost.ts";
import { report } from "./lib/pipeline.ts";
import {
  promtoolBackfill,
  selfMetric,
  startPrometheus,
  waitForCompaction,
} from "./lib/prometheus.ts";
import { generate } from "./lib/replay.ts";
import { benchDataDirectory, progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    series: { type: "string" },
    hours: { type: "string" },
    "sample-step": { type: "string" },
    runs: { type: "string" },
    level: { type: "string" },
    "chunk-rows": { type: "string" },
    data: { type: "string" },
    "max-block-duration": { type: "string" },
    only: { type: "string" },
    skip: { type: "string" },
    "slow-ms": { type: "string" },
    "cache-warm": { type: "string" },
    "cache-max-bytes": { type: "string" },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? 1000);
const HOURS = Number(flags.hours ?? 168);
const SAMPLE_STEP_S = Number(flags["sample-step"] ?? 60);
const RUNS = Number(flags.runs ?? 5);
/** Shapes to run (a regex on their names) and `shape_side`s to leave out. */
const ONLY = new RegExp(String(flags.only ?? ""));
const SKIP = flags.skip === undefined ? null : new RegExp(String(flags.skip));
/** A side whose first warm run took longer than this is not run again (`RUNS` otherwise). */
const SLOW_MS = Number(flags["slow-ms"] ?? Number.POSITIVE_INFINITY);
const IMPORT_FLAGS = [
  ...(flags.level === undefined ? [] : ["--level", String(flags.level)]),
  ...(flags["chunk-rows"] === undefined ? [] : ["--chunk-rows", String(flags["chunk-rows"])]),
];
const HOUR_S = 3600;
/** The generator's default last time (2024-01-01), 7 s earlier. */
const END_S = 1_704_067_200 - 7;

const QUERIES: Record<string, string> = {
  sum_rate: "sum(rate(http_requests_total[1h]))",
  increase_by_job: "sum by (job) (increase(http_requests_total[1h]))",
  max_over_time_by_job: "max by (job) (max_over_time(http_requests_in_flight[1h]))",
  min_over_time: "min_over_time(go_goroutines[1h])",
  count_over_time: "sum(count_over_time(http_requests_in_flight[1h]))",
  last_over_time: "avg by (job) (last_over_time(process_resident_memory_bytes[1h]))",
  sum_over_time: "sum by (job) (sum_over_time(http_requests_in_flight[1h]))",
  cpu_rate: "sum by (job) (rate(process_cpu_seconds_total[1h]))",
};

async function timed(url: string): Promise<{ ms: number; body: string }> {
  const began = performance.now();
  const res = await fetch(url, { headers: { "Accept-Encoding": "gzip" } });
  const body = await res.text();
  if (!res.ok) throw new Error(`Cannot query ${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return { ms: performance.now() - began, body };
}

/** An answer's points by series, as text keys and numbers. */
function points(body: string): Map<string, number[]> {
  const { data } = JSON.parse(body) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  const out = new Map<string, number[]>();
  for (const s of data.result) {
    const key = JSON.stringify(Object.entries(s.metric).sort());
    out.set(
      key,
      s.values.flatMap(([t, v]) => [t, Number(v.replace("Inf", "Infinity"))]),
    );
  }
  return out;
}

/** How many points of `a` and `b` differ by more than 1e-6 relative (missing series count). */
function mismatches(a: Map<string, number[]>, b: Map<string, number[]>): number {
  let bad = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? [];
    const y = b.get(key) ?? [];
    if (x.length !== y.length) bad += Math.max(x.length, y.length) / 2;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const same =
        x[i] === y[i] ||
        (Number.isNaN(x[i]) && Number.isNaN(y[i])) ||
        Math.abs(x[i] - y[i]) <= 1e-6 * Math.max(Math.abs(x[i]), Math.abs(y[i]));
      if (!same) bad++;
    }
  }
  return bad;
}

/** Each shape's first answer from Outpost (auto), to compare the one after a restart with. */
const firstAnswers = new Map<string, string>();

/** Waits until the rollup runs written to disk stop growing in number (3 s alike, 60 s at most). */
async function disksSettled(url: string): Promise<void> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 60 && same < 3; i++) {
    const now = await selfMetric(url, "outpost_rollup_disk_saves_total");
    same = now === last ? same + 1 : 0;
    last = now;
    await Bun.sleep(1_000);
  }
  report("rollup_outpost_disk_saves", last, "count");
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

/** Whether two answers agree: reports `rollup_<name>_<what>` and says where they do not. */
function compare(name: string, what: string, a?: { body: string }, b?: { body: string }): void {
  if (a === undefined || b === undefined) return;
  const bad = mismatches(points(a.body), points(b.body));
  report(`rollup_${name}_${what}`, bad === 0 ? 1 : 0, "bool");
  if (bad > 0) console.error(`${name}: ${bad} points differ (${what})`);
}

async function bench(name: string, all: Record<string, string>): Promise<void> {
  const urls = Object.fromEntries(
    Object.entries(all).filter(([who]) => !SKIP?.test(`${name}_${who}`)),
  );
  const first: Record<string, { ms: number; body: string }> = {};
  for (const [who, url] of Object.entries(urls)) first[who] = await timed(url);
  for (const who of Object.keys(urls))
    report(`rollup_${name}_${who}_first_ms`, first[who].ms, "ms");
  if (first.outpost) firstAnswers.set(name, first.outpost.body);
  if (first.outpost && first.outpost_raw) {
    const same = first.outpost.body === first.outpost_raw.body;
    report(`rollup_${name}_auto_same_as_raw`, same ? 1 : 0, "bool");
  }
  compare(name, "results_equal_prometheus", first.outpost, first.prometheus);
  compare(name, "5m_equal_raw", first.outpost_raw, first.outpost_5m);
  compare(name, "1h_equal_prometheus", first.outpost_1h, first.prometheus);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(urls).map((w) => [w, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [who, url] of Object.entries(urls)) {
      if (i > 0 && times[who][0] > SLOW_MS) continue;
      times[who].push((await timed(url)).ms);
    }
  }
  for (const who of Object.keys(urls)) report(`rollup_${name}_${who}_ms`, median(times[who]), "ms");
  if (times.prometheus && times.outpost) {
    const x = median(times.prometheus) / median(times.outpost);
    report(`rollup_${name}_speedup_vs_prometheus`, x, "x");
  }
}

/** Runs `load` and reports its wall time as `name` (the two loads run side by side). */
async function timedLoad(name: string, load: Promise<void>): Promise<void> {
  const began = performance.now();
  await load;
  report(name, (performance.now() - began) / 1000, "s");
}

/**
 * The directory holding both servers' copies of `file`: a fresh temporary one, or `--data`'s,
 * kept between runs (a month of 10,000 series takes a quarter of an hour to load).
 */
async function benchDirectory(file: string): Promise<string> {
  const kept = flags.data === undefined ? undefined : resolve(String(flags.data));
  return benchDataDirectory(file, kept, "outpost-bench-rollups-", teardown, async (root, tsdb) => {
    progress(
      `promtool backfill and outpost import ${IMPORT_FLAGS.join(" ")} (with rollups), side by side`,
    );
    const began = performance.now();
    await Promise.all([
      timedLoad(
        "rollup_load_promtool_s",
        promtoolBackfill(file, tsdb, flags["max-block-duration"] as string | undefined),
      ),
      timedLoad(
        "rollup_load_outpost_s",
        outpostImport(join(root, "outpost"), file, teardown, IMPORT_FLAGS),
      ),
    ]);
    report("rollup_load_both_s", (performance.now() - began) / 1000, "s");
  });
}

/**
 * An aggregator over `dir`, and when its warm-up is over: `--cache-warm` (e.g. 720h, the
 * whole month) sets `query.cache_warm`, and the queries then wait for the warm-up's last step.
 */
async function startWarmOutpost(
  dir: string,
): Promise<{ url: string; warmed: Promise<void>; stop: () => Promise<unknown> }> {
  const { promise, resolve: done } = Promise.withResolvers<void>();
  const began = performance.now();
  const onLog = (line: string) => {
    console.error(line);
    if (!line.includes("Warmed the query paths")) return;
    report("rollup_outpost_warmed_s", (performance.now() - began) / 1000, "s");
    done();
  };
  const warm = flags["cache-warm"];
  const max = flags["cache-max-bytes"];
  const query =
    warm === undefined && max === undefined
      ? undefined
      : {
          ...(warm === undefined ? {} : { cache_warm: String(warm) }),
          ...(max === undefined ? {} : { cache_max_bytes: String(max) }),
        };
  const agg = await startOutpost(dir, teardown, { query, onLog });
  // Unref'd, so that a finished bench does not wait for it.
  const timer = setTimeout(() => {
    progress("no warm-up after 20 min");
    done();
  }, 1_200_000);
  timer.unref();
  return {
    url: agg.url,
    warmed: warm === undefined ? Promise.resolve() : promise,
    stop: () => agg.stop(),
  };
}

const teardown = new Teardown();
try {
  progress(`generating ${SERIES} series × ${HOURS} h, a sample every ${SAMPLE_STEP_S} s`);
  const genBegan = performance.now();
  const file = generate(SERIES, HOURS, 1, { stepS: SAMPLE_STEP_S, endS: END_S });
  report("rollup_generate_s", (performance.now() - genBegan) / 1000, "s");
  const root = await benchDirectory(file);
  const tsdb = join(root, "prometheus", "data");
  const prometheus = await startPrometheus(tsdb, { readyTimeoutMs: 600_000 });
  teardown.defer("Prometheus", () => prometheus.stop());
  // A first read is of rows never read before: what an earlier run kept on disk goes.
  rmSync(join(root, "outpost", "aggregator", "cache"), { recursive: true, force: true });
  let outpost = await startWarmOutpost(join(root, "outpost"));
  progress("waiting for Prometheus to compact the backfilled blocks");
  if (!(await waitForCompaction(prometheus)))
    progress("Prometheus is still busy after 10 min: its timings may suffer");
  await outpost.warmed;
  // Whole hours from the second hour (so [1h] windows are full) to the last.
  const start = Math.ceil((END_S - HOURS * HOUR_S) / HOUR_S) * HOUR_S + HOUR_S;
  const end = Math.floor(END_S / HOUR_S) * HOUR_S;
  report("rollup_steps", (end - start) / HOUR_S + 1, "count");
  const rangeParams = (query: string) =>
    new URLSearchParams({ query, start: String(start), end: String(end), step: "3600" });
  for (const [name, expr] of Object.entries(QUERIES)) {
    if (!ONLY.test(name)) continue;
    progress(`${name}: ${expr}`);
    const p = rangeParams(expr);
    await bench(name, {
      outpost: `${outpost.url}/api/v1/query_range?${p}`,
      outpost_raw: `${outpost.url}/api/v1/query_range?${p}&resolution=raw`,
      outpost_5m: `${outpost.url}/api/v1/query_range?${p}&resolution=5m`,
      outpost_1h: `${outpost.url}/api/v1/query_range?${p}&resolution=1h`,
      prometheus: `${prometheus.url}/api/v1/query_range?${p}`,
    });
  }
  // The same first queries after a restart, with what the first reads kept on disk.
  await disksSettled(outpost.url);
  await outpost.stop();
  outpost = await startWarmOutpost(join(root, "outpost"));
  await outpost.warmed;
  for (const [name, expr] of Object.entries(QUERIES)) {
    const before = firstAnswers.get(name);
    if (!ONLY.test(name) || before === undefined) continue;
    const again = await timed(`${outpost.url}/api/v1/query_range?${rangeParams(expr)}`);
    report(`rollup_${name}_outpost_first_restarted_ms`, again.ms, "ms");
    report(`rollup_${name}_restarted_same`, again.body === before ? 1 : 0, "bool");
  }
  report(
    "rollup_outpost_disk_loads",
    await selfMetric(outpost.url, "outpost_rollup_disk_loads_total"),
    "count",
  );
} finally {
  await teardown.run();
}
