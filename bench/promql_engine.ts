/**
 * Speed of the PromQL engine (aggregator/promql/engine) on in-memory data: 10,000 counter
 * series × 24 h at a 15 s scrape interval (57.6 M samples), queried over the whole day at a
 * 60 s step, as in the NOTES baseline of Prometheus 2.42 on this kind of machine
 * (`sum(rate(...[5m]))` 2.7 s).
 *
 *   bun bench/promql_engine.ts [--quick]
 *
 * Also 100 classic histograms of 10 buckets for `histogram_quantile`, and `target_info` for a
 * tenth of the counters' instances for `info()`. Prints `name value unit`
 * lines: the median wall time of each query (parse, plan, reads from the in-memory Queryable
 * and evaluation) over several runs, after one warm-up run.
 */
import { Engine } from "../aggregator/promql/engine/engine.ts";
import { MemoryStorage } from "../aggregator/storage/memory.ts";

import type { SeriesSamples } from "../aggregator/storage/storage.ts";

const quick = process.argv.includes("--quick");
const SERIES = quick ? 1_000 : 10_000;
const SCRAPE_MS = 15_000;
const DAY_MS = 24 * 3600 * 1000;
const STEP_MS = 60_000;
const RUNS = quick ? 3 : 7;

/** Classic histograms: 100 of them with 10 buckets each, cumulative per scrape. */
function histograms(): SeriesSamples[] {
  const n = DAY_MS / SCRAPE_MS;
  const bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
  const out: SeriesSamples[] = [];
  for (let h = 0; h < 100; h++) {
    bounds.forEach((le, b) => {
      const timestamps = new Float64Array(n);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        timestamps[i] = i * SCRAPE_MS;
        values[i] = i * (b + 1) * (1 + (h % 3));
      }
      const labels = [
        "__name__",
        "http_request_duration_seconds_bucket",
        "instance",
        `host-${h}:9100`,
        "le",
        le,
      ];
      out.push({ labels, length: n, timestamps, values });
    });
  }
  return out;
}

/** Counters that grow at a per-series rate, with a reset now and then, deterministically. */
function generate(): SeriesSamples[] {
  const n = DAY_MS / SCRAPE_MS;
  const out: SeriesSamples[] = [];
  for (let s = 0; s < SERIES; s++) {
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    let v = 0;
    for (let i = 0; i < n; i++) {
      timestamps[i] = i * SCRAPE_MS;
      // One series in fifty restarts once, at a time of its own.
      v = s % 50 === 0 && i === (s * 37) % n ? 0 : v + 1 + (s % 7);
      values[i] = v;
    }
    const labels = [
      "__name__",
      "http_requests_total",
      "instance",
      `host-${s}:9100`,
      "job",
      `job-${s % 10}`,
      "status",
      `${200 + (s % 5)}`,
    ];
    out.push({ labels, length: n, timestamps, values });
  }
  return out;
}

/** `target_info` for the first tenth of the counters' instances (version and region labels). */
function targetInfo(): SeriesSamples[] {
  const n = DAY_MS / SCRAPE_MS;
  const timestamps = Float64Array.from({ length: n }, (_, i) => i * SCRAPE_MS);
  const values = new Float64Array(n).fill(1);
  return Array.from({ length: SERIES / 10 }, (_, s) => ({
    labels: [
      "__name__",
      "target_info",
      "instance",
      `host-${s}:9100`,
      "job",
      `job-${s % 10}`,
      "region",
      `region-${s % 3}`,
      "version",
      "1.2.3",
    ],
    length: n,
    timestamps,
    values,
  }));
}

async function median(engine: Engine, query: string, range: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const began = performance.now();
    if (range) await engine.rangeQuery(store, query, 0, DAY_MS, STEP_MS);
    else await engine.instantQuery(store, query, DAY_MS);
    if (i > 0) times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

// As the aggregator runs it: info() and the other experimental functions on.
const store = new MemoryStorage().addSeries([...generate(), ...histograms(), ...targetInfo()]);
const engine = new Engine({ enableExperimentalFunctions: true });
const queries: [name: string, query: string, range: boolean][] = [
  ["promql_sum_rate_24h", "sum(rate(http_requests_total[5m]))", true],
  [
    "promql_sum_by_job_status_rate_24h",
    "sum by (job, status) (rate(http_requests_total[5m]))",
    true,
  ],
  [
    "promql_histogram_quantile_24h",
    "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    true,
  ],
  ["promql_one_series_rate_24h", 'rate(http_requests_total{instance="host-1:9100"}[5m])', true],
  ["promql_avg_over_time_24h", "avg(avg_over_time(http_requests_total[10m]))", true],
  ["promql_instant_topk_rate", "topk(10, rate(http_requests_total[5m]))", false],
  ["promql_instant_count_all", 'count({__name__=~".+"})', false],
  // A tenth of the series (one job) joined with target_info, a tenth of them finding one.
  ["promql_info_rate_24h", 'info(rate(http_requests_total{job="job-1"}[5m]))', true],
  ["promql_rate_one_job_24h", 'rate(http_requests_total{job="job-1"}[5m])', true],
];
for (const [name, query, range] of queries) {
  console.log(`${name}_${SERIES}_series ${(await median(engine, query, range)).toFixed(1)} ms`);
}
