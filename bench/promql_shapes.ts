/**
 * Issue 24's query shapes (bench/lib/promql_queries.ts) evaluated in process over data shaped
 * like the generator's (per host: 67 `http_requests_total` counters, 22 in-flight gauges, the
 * process and node metrics; 96 series a host, one timestamps array a host), served by a
 * `CachedStore` with joined entries as the warmed query cache serves them, in the fast mode
 * and the reference mode. Each figure is the median of the runs after the first, in wall
 * time and in the process's CPU time (user + system, all threads): on a machine shared with
 * other work the CPU time is the steadier one. No import, no Prometheus: the answers are
 * checked against Prometheus by promql_vs_prometheus.ts.
 *
 *   bun bench/promql_shapes.ts [--hosts 100] [--hours 24] [--runs 6] [--only RE] [--no-reference]
 */
import { parseArgs } from "node:util";
import { Engine } from "../aggregator/promql/engine/engine.ts";
import { CachedStore } from "../aggregator/storage/cache/testing.ts";
import type { SeriesSamples } from "../aggregator/storage/storage.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { report } from "./lib/pipeline.ts";
import { issue24Queries } from "./lib/promql_queries.ts";

const { values: flags } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    hours: { type: "string", default: "24" },
    runs: { type: "string", default: "6" },
    only: { type: "string" },
    "no-reference": { type: "boolean", default: false },
  },
});
const HOSTS = Number(flags.hosts);
const HOURS = Number(flags.hours);
const RUNS = Number(flags.runs);
const SCRAPE_MS = 15_000;
const T0 = 1_704_067_200_000 - HOURS * 3_600_000;
const N = (HOURS * 3_600_000) / SCRAPE_MS;
const STATUSES = ["200", "201", "204", "304", "400", "404", "500", "503"];
const JOBS = ["api-gateway", "checkout", "auth", "search", "catalog", "billing", "inventory"];

/** A seeded linear congruential source: the same data every run. */
let seed = 1;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

/** One host's series, sharing one timestamps array as the cache shares a target's. */
function host(h: number, out: SeriesSamples[]): void {
  const ts = new Float64Array(N);
  for (let i = 0; i < N; i++) ts[i] = T0 + i * SCRAPE_MS;
  const job = JOBS[h % JOBS.length];
  const instance = `10.1.0.${h}:8080`;
  const add = (rec: Record<string, string>, next: (i: number, prev: number) => number) => {
    const vs = new Float64Array(N);
    let v = 0;
    for (let i = 0; i < N; i++) {
      v = next(i, v);
      vs[i] = v;
    }
    out.push({ labels: labelsFromRecord(rec), length: N, timestamps: ts, values: vs });
  };
  for (let c = 0; c < 67; c++) {
    const labels = { job, instance, method: c % 3 ? "GET" : "POST", path: `/p${c % 23}` };
    const rate = 1 + Math.floor(rnd() * 20);
    // A restart now and then: counter resets.
    const next = (i: number, p: number) => (i === N >> 1 && c % 7 === 0 ? 0 : p + rnd() * rate);
    add({ __name__: "http_requests_total", ...labels, status: STATUSES[c % 8] }, (i, p) =>
      Math.floor(next(i, p)),
    );
  }
  for (let g = 0; g < 22; g++) {
    const labels = { job, instance, method: g % 2 ? "GET" : "PUT", path: `/p${g}` };
    add({ __name__: "http_requests_in_flight", ...labels }, (_i, p) =>
      Math.max(0, p + Math.floor(rnd() * 5) - 2),
    );
  }
  add({ __name__: "go_goroutines", job, instance }, (_i, p) => 50 + ((p + 1) % 40));
  add({ __name__: "process_resident_memory_bytes", job, instance }, () => 3e8 + rnd() * 4e6);
  add({ __name__: "process_cpu_seconds_total", job, instance }, (_i, p) => p + rnd() * 2);
  const node = `10.1.0.${h}:9100`;
  add({ __name__: "node_load1", job: "node", instance: node }, () => rnd() * 4);
  for (const device of ["eth0", "lo"]) {
    const labels = { __name__: "node_network_receive_bytes_total", job: "node", device };
    add({ ...labels, instance: node }, (_i, p) => p + Math.floor(rnd() * 1e6));
  }
}

/** Median wall and CPU ms of the runs after the first. */
async function time(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => xs.slice(1).sort((a, b) => a - b)[(xs.length - 1) >> 1];
  return { wall: median(wall), cpu: median(cpu) };
}

const series: SeriesSamples[] = [];
for (let h = 0; h < HOSTS; h++) host(h, series);
const store = new CachedStore({ fileMs: 3_600_000, join: true });
await store.load(series);
series.length = 0;
const engines = { fast: new Engine({ enableExperimentalFunctions: true }) } as Record<
  string,
  Engine
>;
if (!flags["no-reference"])
  engines.reference = new Engine({ enableExperimentalFunctions: true, reference: true });
const only = flags.only === undefined ? null : new RegExp(flags.only);
// As promql_vs_prometheus.ts: 1,435 steps of 60 s, 7 s past a minute.
const start = T0 + 307_000;
const end = T0 + Math.min(24, HOURS) * 3_600_000 - 60_000 + 7_000;
for (const q of issue24Queries()) {
  if (only !== null && !only.test(q.short)) continue;
  for (const [mode, engine] of Object.entries(engines)) {
    const t = await time(() => engine.rangeQuery(store, q.expr, start, end, 60_000));
    report(`promql_shape_${q.short}_${mode}_ms`, t.wall, "ms");
    report(`promql_shape_${q.short}_${mode}_cpu_ms`, t.cpu, "ms");
  }
}
process.exit(0);
