/**
 * The rollup differential test's generators and runner: the differential test's data
 * (promql_differential.ts) written to Parquet and compacted with rollups (rollup_bucket.ts),
 * and queries of the shapes rollups serve — range functions over plain selectors, alone or
 * under aggregations and arithmetic, on grids and windows aligned to the rollup steps and
 * not — answered from raw samples (`resolution: "raw"`) and at `auto` resolution (straight from
 * Parquet, or through the cache of rollup rows), which must agree bit for bit. A quarter of the
 * queries are also answered from the in-memory data the bucket was written from: the Parquet
 * round trip must keep every bit (−0 included).
 */
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { ALL_EXACT_SPANS } from "../../aggregator/promql/engine/rollup/plan.ts";
import { ENGINE_OPTIONS } from "../../aggregator/promql/promqltest/runner.ts";
import { type MemorySample, MemoryStorage } from "../../aggregator/storage/memory.ts";
import { RollupCache } from "../../aggregator/storage/rollup_cache.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { generateData, outcomeOf, type QueryAt, Rand, SPAN, T0 } from "./promql_differential.ts";
import { rollupBucket } from "./rollup_bucket.ts";

/** The range functions the generator calls: every one `auto` may read from rollups, and more. */
export const ROLLUP_FUNCS = [
  "count_over_time",
  "present_over_time",
  "last_over_time",
  "max_over_time",
  "min_over_time",
  "sum_over_time",
  "resets",
  "increase",
  "rate",
  // Never from rollups at `auto`: stays raw, and must still answer alike.
  "avg_over_time",
];
// Whole hours twice as often: the 1 h rollups answer only those.
const RANGES = [
  ...["1m", "2m", "5m", "10m", "15m", "30m", "1h", "90m", "2h", "3h", "7m", "30s", "61s"],
  ...["1h", "2h"],
];
const OFFSETS = ["", "", "", " offset 5m", " offset 1m", " offset 30s", " offset -10m"];
const SELECTORS = [
  "req_total",
  "temp",
  "rare_total",
  'req_total{job="api"}',
  '{zone="eu"}',
  "restart_total",
];
const STEPS = [60_000, 300_000, 600_000, 900_000, 3_600_000, 30_000, 67_000];

/**
 * Fractional counters that restart every ten minutes or so: windows over them hold one reset
 * (where rows answer exactly) or several (where `auto` reads the series raw; kernels.ts
 * `exactRows`), which the shared data's rare resets seldom give.
 */
export function addRestartingCounters(memory: MemoryStorage, seed: number): void {
  const r = new Rand(seed * 7919);
  for (const instance of ["r0", "r1"]) {
    let v = r.next() * 100;
    const samples: MemorySample[] = [];
    for (let t = 0; t < SPAN; t += 15_000) {
      // Times π: values with every bit of the mantissa set, whose sums round (the generator's
      // own fractions have 32 bits, whose sums here are exact in any order).
      v = r.chance(1 / 40) ? r.next() * Math.PI : v + r.next() * 2 * Math.PI;
      samples.push([T0 + t, v]);
    }
    memory.append(labelsFromRecord({ __name__: "restart_total", job: "cron", instance }), samples);
  }
}

/** A seeded query of a shape rollups serve. */
export function generateRollupExpr(r: Rand): string {
  const call = rangeCall(r);
  switch (r.int(8)) {
    case 0:
      return `sum by (job) (${call})`;
    case 1:
      return `max without (instance) (${call})`;
    case 2:
      return `${call} / 2`;
    case 3:
      // Two calls in one query: each planned (and read) on its own.
      return `${call} - on (job, instance) ${rangeCall(r)}`;
    case 4:
      return `topk(2, ${call})`;
    default:
      return call;
  }
}

function rangeCall(r: Rand): string {
  return `${r.pick(ROLLUP_FUNCS)}(${r.pick(SELECTORS)}[${r.pick(RANGES)}]${r.pick(OFFSETS)})`;
}

/**
 * A seeded time or grid, mostly on whole minutes (where rollups apply), 30 % on whole hours
 * (where the 1 h rollups of whole days apply), over the data.
 */
export function generateRollupAt(r: Rand): QueryAt {
  const hour = 3_600_000;
  if (r.chance(0.3)) {
    const start = T0 - hour + r.int(SPAN / hour + 2) * hour;
    if (r.chance(0.25)) return { kind: "instant", time: start };
    const step = r.pick([hour, 2 * hour, 300_000]);
    return { kind: "range", start, end: start + r.int(SPAN / step + 1) * step, step };
  }
  const minute = 60_000;
  const jitter = r.chance(0.15) ? r.int(60) * 1000 : 0;
  const start = T0 + r.int(SPAN / minute + 20) * minute - 10 * minute + jitter;
  if (r.chance(0.25)) return { kind: "instant", time: start };
  const step = r.pick(STEPS);
  const end = start + r.int(SPAN / step + 1) * step;
  return { kind: "range", start, end, step };
}

/**
 * A difference between two answers: raw from Parquet against `auto` (`rollup`), or raw from
 * the in-memory source against raw from Parquet (`parquet`).
 */
export interface RollupDifference {
  readonly kind: "rollup" | "parquet";
  readonly seed: number;
  readonly query: string;
  readonly at: QueryAt;
  readonly raw: string;
  readonly other: string;
}

/**
 * Runs `cases` generated queries over each of `datasets` data sets (seeds from `seed`): every
 * other data set leaves its last hour uncompacted, so that rollup rows and raw samples meet.
 * Returns the differences (at most 20) and how many queries read rollups (`dayReads`: 1 h).
 */
export async function runRollupDifferential(run: {
  datasets: number;
  cases: number;
  seed: number;
}): Promise<{
  cases: number;
  rollupReads: number;
  dayReads: number;
  differences: RollupDifference[];
}> {
  const differences: RollupDifference[] = [];
  let cases = 0;
  let rollupReads = 0;
  let dayReads = 0;
  for (let d = 0; d < run.datasets; d++) {
    const seed = run.seed + d;
    const memory = new MemoryStorage();
    generateData(memory, seed);
    addRestartingCounters(memory, seed);
    const hours = SPAN / 3_600_000;
    const partial = d % 2 === 1;
    // The partial data sets read rollups through the cache of rows (a small one: entries go).
    const cache = partial ? new RollupCache(1 << 16) : undefined;
    const compacted = (h: number) => !partial || h < T0 + SPAN - 3_600_000;
    // An hour either side: jittered scrapes start up to 2 s before T0 and end after the span.
    const bucket = await rollupBucket(memory, T0 - 3_600_000, hours + 2, compacted, cache);
    const options = { ...ENGINE_OPTIONS, enableDelayedNameRemoval: d % 2 === 0 };
    const engines = [true, false].map(
      (reference) => new Engine({ ...options, reference, rollupSpans: ALL_EXACT_SPANS }),
    );
    try {
      const r = new Rand(seed * 104729);
      for (let c = 0; c < run.cases && differences.length < 20; c++) {
        const query = generateRollupExpr(r);
        const at = generateRollupAt(r);
        const engine = engines[c % 2];
        const raw = await outcomeOf(withResolution(engine, "raw"), bucket, query, at);
        const rollup = await outcomeOf(withResolution(engine, "auto"), bucket, query, at);
        cases++;
        if (raw !== rollup)
          differences.push({ kind: "rollup", seed, query, at, raw, other: rollup });
        if (c % 4 !== 0) continue;
        const source = await outcomeOf(withResolution(engine, "raw"), memory, query, at);
        if (source !== raw)
          differences.push({ kind: "parquet", seed, query, at, raw: source, other: raw });
      }
      rollupReads += bucket.rollupReads;
      dayReads += bucket.dayReads;
    } finally {
      await bucket.close();
    }
  }
  return { cases, rollupReads, dayReads, differences };
}

/** `engine` with every query at `resolution`. */
function withResolution(engine: Engine, resolution: "raw" | "auto") {
  return {
    instantQuery: (q: Parameters<Engine["instantQuery"]>[0], query: string, t: number) =>
      engine.instantQuery(q, query, t, { resolution }),
    rangeQuery: (
      q: Parameters<Engine["rangeQuery"]>[0],
      query: string,
      s: number,
      e: number,
      step: number,
    ) => engine.rangeQuery(q, query, s, e, step, { resolution }),
  };
}
