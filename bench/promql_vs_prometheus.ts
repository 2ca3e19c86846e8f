/**
 * The issue's query benchmark: the same generated data (../shared/bench/gen_openmetrics.py) in
 * Outpost (`outpost import`, then an aggregator serving it) and in Prometheus 2.42 (promtool
 * backfill, then a Prometheus serving the TSDB once it has compacted it), queried over the
 * same HTTP API. Each query's time is the median of 7 runs after one warm-up, from the request
 * to the last byte of the JSON body; the answers of both must agree within 1e-6 relative.
 *
 *   bun bench/promql_vs_prometheus.ts             10,000 series × 24 h (57.6 M samples)
 *   bun bench/promql_vs_prometheus.ts --quick     1,000 series × 24 h
 *   bun bench/promql_vs_prometheus.ts --series N --hours H
 *   bun bench/promql_vs_prometheus.ts --baseline DIR
 *   bun bench/promql_vs_prometheus.ts --only 'ne_|ratio' --runs 21 --data /tmp/promql-bench
 *
 * `--data DIR` keeps both servers' data in DIR and reuses it in later runs of the same size.
 * `--only RE` times the queries whose short names match (and skips the fairness part);
 * `--runs N` times each query N times (7): its median and p99 (with 7 runs, the slowest) are
 * reported.
 *
 * `--baseline DIR` also runs the aggregator of another checkout (an issue's starting commit:
 * `git worktree add DIR <commit>`, then `bun install` there) over a copy of the same data,
 * timed in the same rounds, so that "no slower than before" is measured in one run.
 *
 * Then, with the caches warm, fairness: a heavy query runs on each server while a small one
 * (the one-series query) is sent every 25 ms; the small query's p50/p99/max latency is
 * reported, and the heavy query's time.
 *
 * Range queries cover the day at a 60 s step from 5 min after its first sample (1,435 steps),
 * 7 s past a whole minute, so no sample (every 15 s on the minute) sits on a window edge, where
 * Prometheus 2 (left-closed windows) and 3 (left-open) differ. The one-series query is a plain
 * selector. Outpost's import and promtool run side by side; their times are not figures here.
 */
import { cp } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { outpostImport, startOutpost } from "./lib/outpost.ts";
import { report } from "./lib/pipeline.ts";
import { promtoolBackfill, startPrometheus, waitForCompaction } from "./lib/prometheus.ts";
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
import { benchDataDirectory, progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
    baseline: { type: "string" },
    data: { type: "string" },
    only: { type: "string" },
    runs: { type: "string" },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? (flags.quick ? 1000 : 10_000));
const HOURS = Number(flags.hours ?? 24);
const RUNS = Number(flags.runs ?? 7);
const ONLY = flags.only === undefined ? null : new RegExp(String(flags.only));
const TOLERANCE = 1e-6;

/** Runs one request; returns its wall time (to the body's last byte) and the body. */
async function timed(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  // Go clients (Grafana, promtool) ask for gzip; Prometheus then compresses its answers.
  const res = await fetch(url, { headers: { "Accept-Encoding": "gzip" } });
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`Cannot query ${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return { ms, body };
}

type Points = { ts: number[]; vs: number[] };

/** A query answer as series key → points, whatever its result type. */
function normalise(body: string): Map<string, Points> {
  const { data } = JSON.parse(body) as { data: { resultType: string; result: unknown } };
  const out = new Map<string, Points>();
  const add = (metric: Record<string, string>, points: [number, string][]) => {
    const key = JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : 1)));
    out.set(key, { ts: points.map((p) => p[0]), vs: points.map((p) => parseValue(p[1])) });
  };
  if (data.resultType === "scalar") add({}, [data.result as [number, string]]);
  else if (data.resultType === "vector")
    for (const s of data.result as { metric: Record<string, string>; value: [number, string] }[])
      add(s.metric, [s.value]);
  else
    for (const s of data.result as {
      metric: Record<string, string>;
      values?: [number, string][];
    }[])
      add(s.metric, s.values ?? []);
  return out;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Differences between two answers, at most `max` lines of them (none: equal). */
function diff(outpost: Map<string, Points>, prom: Map<string, Points>, max = 8): string[] {
  const lines: string[] = [];
  for (const key of prom.keys()) if (!outpost.has(key)) lines.push(`missing in Outpost: ${key}`);
  for (const key of outpost.keys()) if (!prom.has(key)) lines.push(`extra in Outpost: ${key}`);
  for (const [key, p] of prom) {
    const o = outpost.get(key);
    if (!o) continue;
    if (o.ts.length !== p.ts.length)
      lines.push(`${key}: ${o.ts.length} points in Outpost, ${p.ts.length} in Prometheus`);
    const n = Math.min(o.ts.length, p.ts.length);
    const bad: number[] = [];
    for (let i = 0; i < n; i++) if (o.ts[i] !== p.ts[i] || !close(o.vs[i], p.vs[i])) bad.push(i);
    if (bad.length === 0) continue;
    const at = (i: number) =>
      `at ${o.ts[i]} Outpost ${o.vs[i]}, at ${p.ts[i]} Prometheus ${p.vs[i]}`;
    const range = bad.length > 1 ? `; last ${at(bad[bad.length - 1])}` : "";
    lines.push(`${key}: ${bad.length} of ${n} points differ, first ${at(bad[0])}${range}`);
  }
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more`] : lines;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Warms up, checks the answers agree, then times the servers in alternation. */
async function bench(
  q: Query,
  w: Window,
  outpost: string,
  prom: string,
  baseline: string | undefined,
): Promise<void> {
  const o = await timed(request(outpost, q, w));
  const p = await timed(request(prom, q, w));
  const b = baseline === undefined ? undefined : await timed(request(baseline, q, w));
  if (b !== undefined) {
    report(`promql_${q.short}_baseline_first_ms`, b.ms, "ms");
    const same = diff(normalise(o.body), normalise(b.body));
    report(`promql_${q.short}_same_as_baseline`, same.length === 0 ? 1 : 0, "bool");
    if (same.length > 0) console.error(`${q.short} against the baseline:\n  ${same.join("\n  ")}`);
  }
  // The first answer reads Parquet; the timed runs after it are served from Outpost's cache of
  // decoded file samples (as a refreshing dashboard is). Both are figures.
  report(`promql_${q.short}_outpost_first_ms`, o.ms, "ms");
  report(`promql_${q.short}_prometheus_first_ms`, p.ms, "ms");
  const differences = diff(normalise(o.body), normalise(p.body));
  report(`promql_${q.short}_results_equal`, differences.length === 0 ? 1 : 0, "bool");
  if (differences.length > 0) console.error(`${q.short}: ${q.expr}\n  ${differences.join("\n  ")}`);
  const times = { outpost: [] as number[], prometheus: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.outpost.push((await timed(request(outpost, q, w))).ms);
    times.prometheus.push((await timed(request(prom, q, w))).ms);
    if (baseline !== undefined) times.baseline.push((await timed(request(baseline, q, w))).ms);
  }
  const om = median(times.outpost);
  const pm = median(times.prometheus);
  report(`promql_${q.short}_outpost_ms`, om, "ms");
  report(`promql_${q.short}_prometheus_ms`, pm, "ms");
  report(`promql_${q.short}_outpost_p99_ms`, percentile(times.outpost, 0.99), "ms");
  report(`promql_${q.short}_prometheus_p99_ms`, percentile(times.prometheus, 0.99), "ms");
  report(`promql_${q.short}_speedup`, pm / om, "x");
  if (baseline !== undefined) {
    const bm = median(times.baseline);
    report(`promql_${q.short}_baseline_ms`, bm, "ms");
    report(`promql_${q.short}_vs_baseline`, om / bm, "ratio");
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/**
 * A heavy query on `server` while the small query `small` is sent every 25 ms (each after the
 * last answered): the small query's latencies, and the heavy query's time.
 */
async function fairness(
  server: string,
  name: string,
  heavy: Query,
  small: Query,
  w: Window,
): Promise<void> {
  const began = performance.now();
  let done = false;
  const heavyRun = timed(request(server, heavy, w))
    .catch((error: Error) => ({ ms: performance.now() - began, body: error.message }))
    .finally(() => {
      done = true;
    });
  const latencies: number[] = [];
  while (!done) {
    const { ms } = await timed(request(server, small, w));
    if (!done) latencies.push(ms);
    await Bun.sleep(25);
  }
  const { ms } = await heavyRun;
  report(`promql_fairness_heavy_${name}_ms`, ms, "ms");
  report(`promql_fairness_small_answers_${name}`, latencies.length, "count");
  if (latencies.length === 0) return;
  report(`promql_fairness_small_p50_${name}_ms`, percentile(latencies, 0.5), "ms");
  report(`promql_fairness_small_p99_${name}_ms`, percentile(latencies, 0.99), "ms");
  report(`promql_fairness_small_max_${name}_ms`, Math.max(...latencies), "ms");
}

/** The fairness part on every server: the one-series query while a heavy one runs. */
async function fairnessAll(
  list: Query[],
  w: Window,
  outpost: string,
  prom: string,
  baseline: string | undefined,
): Promise<void> {
  const small = list.find((q) => q.short === "one_series")!;
  const heavy: Query = {
    short: "heavy",
    expr: "sum(stddev_over_time(http_requests_total[30m]))",
    range: true,
  };
  progress(`fairness: ${small.expr} every 25 ms while ${heavy.expr} runs`);
  await fairness(outpost, "outpost", heavy, small, w);
  await fairness(prom, "prometheus", heavy, small, w);
  if (baseline !== undefined) await fairness(baseline, "baseline", heavy, small, w);
}

/**
 * The directory holding both servers' copies of `file`: a fresh temporary one, or `--data`'s,
 * which keeps them between runs (the import of 10,000 series takes most of an hour on a loaded
 * machine).
 */
async function benchDirectory(file: string): Promise<string> {
  const kept = flags.data === undefined ? undefined : resolve(String(flags.data));
  return benchDataDirectory(file, kept, "outpost-bench-promql-", teardown, async (root, tsdb) => {
    progress(`promtool backfill and outpost import of ${SERIES} series × ${HOURS} h, side by side`);
    // Their times are not figures here (bench/import_storage.ts measures them apart).
    await Promise.all([
      promtoolBackfill(file, tsdb),
      outpostImport(join(root, "outpost"), file, teardown),
    ]);
  });
}

const teardown = new Teardown();
try {
  const file = generate(SERIES, HOURS);
  const root = await benchDirectory(file);
  const tsdb = join(root, "prometheus", "data");
  const prometheus = await startPrometheus(tsdb);
  teardown.defer("Prometheus", () => prometheus.stop());
  let baseline: string | undefined;
  if (flags.baseline !== undefined) {
    const base = resolve(String(flags.baseline));
    progress(`the baseline aggregator from ${base}, over a copy of the data`);
    await cp(join(root, "outpost"), join(root, "baseline"), { recursive: true });
    baseline = (await startOutpost(join(root, "baseline"), teardown, { root: base })).url;
  }
  const outpost = (await startOutpost(join(root, "outpost"), teardown)).url;
  // A live Prometheus would have merged its 2 h blocks long ago: time a settled one.
  progress("waiting for Prometheus to compact the backfilled blocks (it starts after a minute)");
  if (!(await waitForCompaction(prometheus)))
    progress("Prometheus is still busy after 10 min: its timings may suffer");
  const blocks = await prometheus.selfMetric("prometheus_tsdb_blocks_loaded");
  progress(`Prometheus holds ${blocks} blocks`);

  const w: Window = windowOf(await firstTimestamp(file), HOURS);
  const list = queries(await oneSeries(prometheus.url, w));
  for (const q of list) {
    if (ONLY !== null && !ONLY.test(q.short)) continue;
    progress(`${q.short}: ${q.expr}`);
    await bench(q, w, outpost, prometheus.url, baseline);
  }
  if (ONLY === null) await fairnessAll(list, w, outpost, prometheus.url, baseline);
} finally {
  await teardown.run();
}
