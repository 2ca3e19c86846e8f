/**
 * Every range function through the sliding path (issue 24), in process: gauges (whole-number
 * random walks, as http_requests_in_flight) and counters, N series × 24 h at a 15 s scrape,
 * served as the query cache serves a day of Parquet files (hourly slices, shared timestamps,
 * narrow values: storage/cache/testing.ts), queried over the day at a 60 s step by the
 * reference mode (every window through its kernel), by the fast paths with their kernels forced
 * to the reference kernel per window (`FastTuning.perWindowKernels`: the sliding kernels'
 * baseline) and by the fast paths, in the same run, with and without the helper thread.
 * Prints the median of each (`name value unit` lines) and fails if an answer differs from the
 * reference's.
 *
 *   bun bench/promql_range_functions.ts [--series N] [--runs R] [--only substring,substring]
 */
import { parseArgs } from "node:util";
import { Engine, RateHelper } from "../aggregator/promql/engine/engine.ts";
import { CachedStore } from "../aggregator/storage/cache/testing.ts";
import type { SeriesSamples } from "../aggregator/storage/storage.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { fingerprint, Rand } from "../test/harness/promql_differential.ts";

const { values: flags } = parseArgs({
  options: {
    series: { type: "string", default: "2000" },
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "" },
  },
});
const SERIES = Number(flags.series);
const RUNS = Number(flags.runs);
const SCRAPE = 15_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 60_000;
const START = 5 * 60_000 + 7_000;
const END = DAY - STEP + 7_000;

/** Half gauges (whole-number walks), half counters with a reset now and then. */
function generate(): SeriesSamples[] {
  const r = new Rand(24);
  const n = DAY / SCRAPE;
  const timestamps = Float64Array.from({ length: n }, (_, i) => i * SCRAPE);
  return Array.from({ length: SERIES }, (_, s) => {
    const gauge = s % 2 === 0;
    const values = new Float64Array(n);
    let v = r.int(50);
    for (let i = 0; i < n; i++) {
      v = gauge ? Math.max(0, v + r.int(5) - 2) : r.chance(0.0005) ? 0 : v + r.int(20);
      values[i] = v;
    }
    const labels = labelsFromRecord({
      __name__: gauge ? "in_flight" : "requests_total",
      job: `job-${s % 10}`,
      instance: `host-${Math.floor(s / 2)}`,
    });
    return { labels, length: n, timestamps, values };
  });
}

const QUERIES: [name: string, query: string][] = [
  ["max_by_max_over_time", "max by (job) (max_over_time(in_flight[10m]))"],
  ["sum_by_min_over_time", "sum by (job) (min_over_time(in_flight[10m]))"],
  ["avg_by_avg_over_time", "avg by (job) (avg_over_time(in_flight[5m]))"],
  ["sum_sum_over_time_1h", "sum(sum_over_time(in_flight[1h]))"],
  ["sum_by_count_over_time", "sum by (job) (count_over_time(in_flight[10m]))"],
  ["max_by_last_over_time", "max by (job) (last_over_time(in_flight[10m]))"],
  ["avg_stddev_over_time", "avg(stddev_over_time(in_flight[10m]))"],
  ["max_by_quantile_over_time", "max by (job) (quantile_over_time(0.9, in_flight[10m]))"],
  ["sum_by_changes", "sum by (job) (changes(in_flight[10m]))"],
  ["sum_resets_1h", "sum(resets(requests_total[1h]))"],
  ["sum_by_irate", "sum by (job) (irate(requests_total[5m]))"],
  ["sum_by_deriv", "sum by (job) (deriv(in_flight[10m]))"],
  ["max_predict_linear_1h", "max(predict_linear(in_flight[1h], 3600))"],
  ["sum_rate", "sum(rate(requests_total[5m]))"],
  ["sum_increase_1h", "sum(increase(requests_total[1h]))"],
];

/** Median wall time of `query` over the day through `engine`, and its answer's fingerprint. */
async function timed(engine: Engine, store: CachedStore, query: string) {
  const times: number[] = [];
  let answer = "";
  for (let i = 0; i <= RUNS; i++) {
    const began = performance.now();
    const outcome = await engine.rangeQuery(store, query, START, END, STEP);
    if (i > 0) times.push(performance.now() - began);
    else answer = fingerprint(outcome);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], answer };
}

const helper = new RateHelper();
const alone = new CachedStore({ fileMs: HOUR });
const mirrored = new CachedStore({ fileMs: HOUR, mirror: helper });
const data = generate();
await alone.load(data);
await mirrored.load(data);
const options = { enableExperimentalFunctions: true };
const reference = new Engine({ ...options, reference: true });
const fast = new Engine({ ...options, rateHelper: undefined });
const perWindow = new Engine({ ...options, fastTuning: { perWindowKernels: true } });
const only = flags.only.split(",");
const helped = new Engine({ ...options, rateHelper: helper });
let differ = 0;
for (const [name, query] of QUERIES) {
  if (!only.some((part) => name.includes(part))) continue;
  const ref = await timed(reference, alone, query);
  const windows = await timed(perWindow, alone, query);
  const one = await timed(fast, alone, query);
  const two = await timed(helped, mirrored, query);
  const label = `promql_range_${name}_${SERIES}_series`;
  console.log(`${label}_reference_ms ${ref.ms.toFixed(1)} ms`);
  console.log(`${label}_per_window_ms ${windows.ms.toFixed(1)} ms`);
  console.log(`${label}_fast_ms ${one.ms.toFixed(1)} ms`);
  console.log(`${label}_fast_helper_ms ${two.ms.toFixed(1)} ms`);
  for (const [mode, got] of [
    ["per-window", windows],
    ["fast", one],
    ["helper", two],
  ] as const) {
    if (got.answer === ref.answer) continue;
    differ++;
    console.error(`${name}: the ${mode} answer differs from the reference's`);
  }
}
helper.close();
alone.clear();
mirrored.clear();
process.exit(differ > 0 ? 1 : 0);
