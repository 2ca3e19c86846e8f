/**
 * Throughput of the PromQL range-function kernels (aggregator/promql/functions) on one core.
 *
 *   bun bench/promql_functions.ts [--quick]
 *
 * Prints `name value unit` lines: windows evaluated per second for `rate`, `sum_over_time`,
 * `avg_over_time` and `quantile_over_time(0.9, …)` over `[5m]` windows of a 15 s scrape
 * (20 samples a window), at a 60 s step over 24 h (1,440 steps), for 10,000 series
 * (--quick: 1,000), walked series by series as the engine's step-vectorised loop does, with one
 * reused Window. The samples come from 16 generated counters (Poisson-like increments with an
 * occasional reset) that the series take turns with, so the data fit in cache a little better
 * than 10,000 distinct series would; the kernels' own cost is what is measured.
 */
import { RANGE_FUNCTIONS, type Window } from "../aggregator/promql/functions/range.ts";

const quick = process.argv.includes("--quick");
const SERIES = quick ? 1_000 : 10_000;
const SCRAPE_MS = 15_000;
const STEP_MS = 60_000;
const RANGE_MS = 300_000;
const STEPS = 1_440;
const DISTINCT = 16;
const SAMPLES = (STEPS * STEP_MS) / SCRAPE_MS + RANGE_MS / SCRAPE_MS;

/** A deterministic counter series: Poisson-like increments, a reset every ~2 h. */
function counter(seed: number): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(SAMPLES);
  const vs = new Float64Array(SAMPLES);
  let state = seed * 7919 + 1;
  let value = 0;
  for (let i = 0; i < SAMPLES; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const r = state / 2_147_483_648;
    value = r < 0.002 ? 0 : value + Math.floor(r * 20);
    ts[i] = i * SCRAPE_MS + (seed % 5) * 1000;
    vs[i] = value;
  }
  return { ts, vs };
}

const data = Array.from({ length: DISTINCT }, (_, i) => counter(i));

/** Runs `fn` over every window of every series; returns windows per second. */
function measure(fn: string, params: readonly number[]): number {
  const kernel = RANGE_FUNCTIONS[fn];
  const w: Window = {
    ts: data[0].ts,
    vs: data[0].vs,
    lo: 0,
    hi: 0,
    start: 0,
    end: 0,
    isCounter: true,
  };
  let sink = 0;
  const began = Bun.nanoseconds();
  for (let s = 0; s < SERIES; s++) {
    const { ts, vs } = data[s % DISTINCT];
    w.ts = ts;
    w.vs = vs;
    let lo = 0;
    let hi = 0;
    for (let step = 0; step < STEPS; step++) {
      const end = RANGE_MS + step * STEP_MS;
      const start = end - RANGE_MS;
      while (hi < ts.length && ts[hi] <= end) hi++;
      while (lo < hi && ts[lo] <= start) lo++;
      w.lo = lo;
      w.hi = hi;
      w.start = start;
      w.end = end;
      w.evalTs = end;
      const v = kernel(w, params);
      if (v !== null) sink += v;
    }
  }
  const seconds = (Bun.nanoseconds() - began) / 1e9;
  if (Number.isNaN(sink)) console.error("unexpected NaN");
  return (SERIES * STEPS) / seconds;
}

const figures: [string, string, number[]][] = [
  ["promql_rate_5m", "rate", []],
  ["promql_sum_over_time_5m", "sum_over_time", []],
  ["promql_avg_over_time_5m", "avg_over_time", []],
  ["promql_quantile_over_time_5m", "quantile_over_time", [0.9]],
];

for (const [name, fn, params] of figures) {
  measure(fn, params); // warm the JIT on the same shapes
  const value = measure(fn, params);
  console.log(`${name} ${Number(value.toPrecision(4))} windows/s`);
}
