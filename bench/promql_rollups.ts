/**
 * Long ranges over rollups (issue 24): the same generated data in Outpost (`outpost import`,
 * which merges every hour and writes its 1 m and 5 m rollups) and in Prometheus 2.42
 * (promtool backfill), range queries over the whole span at a 1 h step, each timed on
 * Outpost at its default resolution (`auto`: DEFAULT_ROLLUP_SPANS, rollups for the exact
 * `*_over_time` folds over 48 h or more), on Outpost from raw samples (`resolution=raw`), on
 * Outpost from 5 m rollups (`resolution=5m`, rate/increase too) and on Prometheus, in
 * alternation in the same run. Outpost's auto and raw answers must be the same bytes; the 5 m
 * answers and Prometheus's must agree with them within 1e-6 (the windows are aligned).
 *
 *   bun bench/promql_rollups.ts                          1,000 series × 7 d, a sample a minute
 *   bun bench/promql_rollups.ts --series N --hours H --sample-step S
 *
 * Samples sit 7 s before each whole step (`--end` 7 s before a whole hour), so that no sample
 * lies on the edge of a window ending on a whole hour, where Prometheus 2.42 (left-closed
 * windows) and 3 (left-open, as Outpost) differ; evaluation times are whole hours, which is
 * what lets rollups answer exactly. Prints `name value unit` lines.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { outpostImport, startOutpost } from "./lib/outpost.ts";
import { report } from "./lib/pipeline.ts";
import { promtoolBackfill, startPrometheus, waitForCompaction } from "./lib/prometheus.ts";
import { generate } from "./lib/replay.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    series: { type: "string" },
    hours: { type: "string" },
    "sample-step": { type: "string" },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? 1000);
const HOURS = Number(flags.hours ?? 168);
const SAMPLE_STEP_S = Number(flags["sample-step"] ?? 60);
const RUNS = 5;
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

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

async function bench(name: string, urls: Record<string, string>): Promise<void> {
  const first: Record<string, { ms: number; body: string }> = {};
  for (const [who, url] of Object.entries(urls)) first[who] = await timed(url);
  for (const who of Object.keys(urls))
    report(`rollup_${name}_${who}_first_ms`, first[who].ms, "ms");
  report(
    `rollup_${name}_auto_same_as_raw`,
    first.outpost.body === first.outpost_raw.body ? 1 : 0,
    "bool",
  );
  const bad = mismatches(points(first.outpost.body), points(first.prometheus.body));
  report(`rollup_${name}_results_equal_prometheus`, bad === 0 ? 1 : 0, "bool");
  if (bad > 0) console.error(`${name}: ${bad} points differ from Prometheus's`);
  const bad5m = mismatches(points(first.outpost.body), points(first.outpost_5m.body));
  report(`rollup_${name}_5m_equal_raw`, bad5m === 0 ? 1 : 0, "bool");
  if (bad5m > 0) console.error(`${name}: ${bad5m} points at 5m differ from raw`);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(urls).map((w) => [w, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [who, url] of Object.entries(urls)) times[who].push((await timed(url)).ms);
  }
  for (const who of Object.keys(urls)) report(`rollup_${name}_${who}_ms`, median(times[who]), "ms");
  report(
    `rollup_${name}_speedup_vs_prometheus`,
    median(times.prometheus) / median(times.outpost),
    "x",
  );
  report(`rollup_${name}_speedup_vs_raw`, median(times.outpost_raw) / median(times.outpost), "x");
}

const teardown = new Teardown();
try {
  progress(`generating ${SERIES} series × ${HOURS} h, a sample every ${SAMPLE_STEP_S} s`);
  const file = generate(SERIES, HOURS, 1, { stepS: SAMPLE_STEP_S, endS: END_S });
  const root = await mkdtemp(join(tmpdir(), "outpost-bench-rollups-"));
  teardown.defer("the bench directory", () => rm(root, { recursive: true, force: true }));
  const tsdb = join(root, "prometheus", "data");
  await mkdir(tsdb, { recursive: true });
  progress("promtool backfill and outpost import (with rollups), side by side");
  const began = performance.now();
  await Promise.all([
    promtoolBackfill(file, tsdb),
    outpostImport(join(root, "outpost"), file, teardown),
  ]);
  report("rollup_load_both_s", (performance.now() - began) / 1000, "s");
  const prometheus = await startPrometheus(tsdb, { readyTimeoutMs: 600_000 });
  teardown.defer("Prometheus", () => prometheus.stop());
  const outpost = (await startOutpost(join(root, "outpost"), teardown)).url;
  progress("waiting for Prometheus to compact the backfilled blocks");
  if (!(await waitForCompaction(prometheus)))
    progress("Prometheus is still busy after 10 min: its timings may suffer");
  // Whole hours from the second hour (so [1h] windows are full) to the last.
  const start = Math.ceil((END_S - HOURS * HOUR_S) / HOUR_S) * HOUR_S + HOUR_S;
  const end = Math.floor(END_S / HOUR_S) * HOUR_S;
  report("rollup_steps", (end - start) / HOUR_S + 1, "count");
  for (const [name, expr] of Object.entries(QUERIES)) {
    progress(`${name}: ${expr}`);
    const p = new URLSearchParams({
      query: expr,
      start: String(start),
      end: String(end),
      step: "3600",
    });
    await bench(name, {
      outpost: `${outpost}/api/v1/query_range?${p}`,
      outpost_raw: `${outpost}/api/v1/query_range?${p}&resolution=raw`,
      outpost_5m: `${outpost}/api/v1/query_range?${p}&resolution=5m`,
      prometheus: `${prometheus.url}/api/v1/query_range?${p}`,
    });
  }
} finally {
  await teardown.run();
}
