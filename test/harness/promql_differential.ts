/**
 * The differential test's generators and judge: seeded data with what makes the fast paths
 * branch (counter resets, fractional and whole values, gaps, jittered and shared scrape
 * times, staleness markers, NaN and infinities, ±0 and huge whole numbers, several hourly
 * files), seeded expressions (aggregations with `by`/`without` over every range function:
 * `rate`/`increase`/`delta`/`irate`/`*_over_time`/`quantile_over_time`/`predict_linear`/…,
 * binary operators with and without matching, `offset`, subqueries), and a comparison of two
 * outcomes bit for bit. `differential.test.ts` and `scripts/promql-differential.ts` run the
 * reference mode against every fast mode (modes.ts) with them.
 */

import { Engine } from "../../aggregator/promql/engine/engine.ts";
import type { StorageMode } from "../../aggregator/promql/promqltest/modes.ts";
import { ENGINE_OPTIONS } from "../../aggregator/promql/promqltest/runner.ts";
import type { QueryOutcome, QueryResult } from "../../aggregator/promql/value.ts";
import { type MemorySample, MemoryStorage } from "../../aggregator/storage/memory.ts";
import type { Queryable } from "../../aggregator/storage/storage.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { random } from "./random.ts";

/** A seeded pseudo-random source (random.ts's mulberry32) with the draws the generators use. */
export class Rand {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = random(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** The generated data's first sample time: a whole hour, so files cut on hours. */
export const T0 = 1_699_999_200_000;
/** The data spans this long: several hourly files. */
export const SPAN = 3 * 3_600_000;
const INTERVAL = 15_000;

/** Loads a seeded data set into `storage`: counters, gauges, with every kind of oddity. */
export function generateData(storage: MemoryStorage, seed: number): void {
  const r = new Rand(seed);
  const shared = scrapeTimes(r, "none");
  for (const job of ["api", "db"]) {
    for (let i = 0; i < 4; i++) {
      const labels = { job, instance: `h${i}`, zone: r.pick(["eu", "us"]) };
      // Series of one scrape share their times (one array in the cache); some are jittered.
      const times = r.chance(0.6) ? shared : scrapeTimes(r, r.pick(["ms", "eighths"]));
      storage.append(
        labelsFromRecord({ __name__: "req_total", ...labels }),
        counter(r, times, r.chance(0.7)),
      );
      storage.append(labelsFromRecord({ __name__: "temp", ...labels }), gauge(r, times));
    }
  }
  // One series alone in a metric, with few samples: windows of one sample, lookback gaps.
  const sparse = shared.filter(() => r.chance(0.05));
  storage.append(
    labelsFromRecord({ __name__: "rare_total", job: "api" }),
    counter(r, sparse, true),
  );
}

/**
 * Scrape times over the span: every interval, with gaps, a late start and jitter by whole
 * milliseconds or by eighths of a second (where deriv/predict_linear's exact sliding sums apply).
 */
function scrapeTimes(r: Rand, jitter: "none" | "ms" | "eighths"): number[] {
  const out: number[] = [];
  const start = r.chance(0.3) ? r.int(40) * INTERVAL : 0;
  for (let t = start; t < SPAN; t += INTERVAL) {
    // A gap: the target was down for a while.
    if (r.chance(0.01)) t += r.int(60) * INTERVAL;
    const off =
      jitter === "ms" ? r.int(4000) - 2000 : jitter === "eighths" ? (r.int(32) - 16) * 125 : 0;
    out.push(T0 + t + off);
  }
  return out.filter((t, i) => i === 0 || t > out[i - 1]);
}

/**
 * The chance of a staleness marker per sample: a third of the series hold a few (the fast
 * paths compact those), the others none (the fast paths walk those in place).
 */
function markerRate(r: Rand): number {
  return r.chance(0.3) ? 0.004 : 0;
}

/** A counter: whole or fractional increments, resets, a staleness marker now and then. */
function counter(r: Rand, times: readonly number[], whole: boolean): MemorySample[] {
  let v = r.int(1000);
  const markers = markerRate(r);
  return times.map((t): MemorySample => {
    if (r.chance(markers)) return [t, "stale"];
    if (r.chance(0.004)) v = r.int(5);
    else v += whole ? r.int(20) : r.next() * 20;
    return [t, v];
  });
}

/**
 * A gauge: a random walk, sometimes whole, with NaN, infinities and markers. Whole walks
 * (whose sums the fast path adds exactly) repeat values (ties for min/max), pass through 0
 * and -0 (equal, with other bits), some are huge (their sums are no longer exact) and some
 * sit near 2^33 (a byte gauge: least squares exact over short windows, not long ones).
 */
function gauge(r: Rand, times: readonly number[]): MemorySample[] {
  let v = r.next() * 100 - 50;
  const whole = r.chance(0.4);
  const big = whole ? r.int(4) : 0;
  const scale = big === 1 ? 2 ** 50 : 1;
  const base = big === 2 ? 2 ** 33 : 0;
  if (whole) v = Math.round(v / 10);
  const markers = markerRate(r);
  return times.map((t): MemorySample => {
    if (r.chance(markers)) return [t, "stale"];
    if (r.chance(0.002)) return [t, r.pick([Number.NaN, Number.POSITIVE_INFINITY, -1e308])];
    v += whole ? r.int(3) - 1 : r.next() * 6 - 3;
    if (whole && v === 0 && r.chance(0.5) && base === 0) return [t, -0];
    return [t, v * scale + base];
  });
}

const RATE_LIKE = ["rate", "increase", "delta", "irate", "idelta", "deriv", "changes", "resets"];
const OVER_TIME = [
  "avg",
  "sum",
  "min",
  "max",
  "count",
  "last",
  "first",
  "stddev",
  "stdvar",
  "present",
  "mad",
  "ts_of_max",
  "ts_of_min",
  "ts_of_last",
  "ts_of_first",
];
const FOLDS = ["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"];
const RANGES = ["30s", "1m", "2m", "5m", "7m", "10m", "30m", "1h", "90m"];
const LABELS = ["job", "instance", "zone"];

/** A seeded expression over the generated data. */
export function generateExpr(r: Rand, depth = 0): string {
  const roll = r.int(depth >= 2 ? 3 : 12);
  if (roll >= 10) return selectorShape(r);
  if (roll === 0 || roll === 8) return rangeCall(r, depth);
  if (roll === 9) return groupedRate(r);
  if (roll === 1) return `${fold(r)}(${rangeCall(r, depth)})`;
  if (roll === 2) return selector(r, false);
  if (roll === 3) return `${fold(r)}(${generateExpr(r, depth + 1)})`;
  if (roll === 4) return binary(r, depth);
  if (roll === 5)
    return `${generateExpr(r, depth + 1)} ${r.pick(["*", "+", "/", ">"])} ${scalar(r)}`;
  if (roll === 6) return `topk(${1 + r.int(3)}, ${rangeCall(r, depth)})`;
  return `-${rangeCall(r, depth)}`;
}

/**
 * The dashboards' favourite: a grouped fold over rate(), increase() or delta() of a counter,
 * or over any other range function of a selector.
 */
function groupedRate(r: Rand): string {
  const labels = LABELS.filter(() => r.chance(0.5));
  const grouping = `${r.chance(0.2) ? "without" : "by"} (${labels.join(", ")})`;
  if (r.chance(0.5)) {
    const call = rangeFunction(r, `${selector(r, false)}[${r.pick(RANGES)}]${offset(r)}`, false);
    return `${r.pick(FOLDS)} ${grouping} (${call})`;
  }
  const func = r.pick(["rate", "increase", "delta"]);
  return `${r.pick(FOLDS)} ${grouping} (${func}(${selector(r, true)}[${r.pick(RANGES)}]${offset(r)}))`;
}

/**
 * Plain selectors as dashboards use them (issue 24): arithmetic between two selectors, one to
 * one or many to one with `on`/`ignoring`/`group_left`, `100 * (1 - x / y)`, and folds over a
 * selector (`count by (zone) (req_total)`).
 */
function selectorShape(r: Rand): string {
  const a = selector(r, false);
  const b = selector(r, false);
  switch (r.int(5)) {
    case 0:
      return `${a} ${r.pick(["+", "-", "*", "/", ">", "== bool", "and", "unless"])} ${b}`;
    case 1:
      return `${a} ${r.pick(["-", "/", "<"])} ${r.pick(["ignoring (zone)", "on (job, instance)"])} ${b}`;
    case 2:
      return `${a} ${r.pick(["*", "/", "+"])} on (job) group_left ${fold(r).split(" ")[0]} by (job) (${b})`;
    case 3:
      return `${scalar(r)} * (1 - ${a} / ${b})`;
    default:
      return `${fold(r)} (${a}${offset(r)})`;
  }
}

function scalar(r: Rand): string {
  return r.pick(["2", "0.5", "10", "-1", "0"]);
}

/** An aggregation operator with an optional grouping. */
function fold(r: Rand): string {
  const op = r.pick(FOLDS);
  const roll = r.int(4);
  if (roll === 0) return op;
  const labels = LABELS.filter(() => r.chance(0.5));
  return `${op} ${roll === 3 ? "without" : "by"} (${labels.join(", ")})`;
}

function selector(r: Rand, counterOnly: boolean): string {
  const name =
    counterOnly || r.chance(0.6) ? r.pick(["req_total", "req_total", "rare_total"]) : "temp";
  const roll = r.int(5);
  if (roll === 0) return `${name}{job="api"}`;
  if (roll === 1) return `${name}{instance=~"h[01]"}`;
  return name;
}

function offset(r: Rand): string {
  return r.chance(0.2) ? ` offset ${r.pick(["1m", "5m", "1h", "-2m"])}` : "";
}

/** A range function over a range selector or a subquery. */
function rangeCall(r: Rand, depth: number): string {
  const rate = r.chance(0.5);
  const range = r.pick(RANGES);
  const arg =
    depth < 2 && r.chance(0.15)
      ? `(${generateExpr(r, depth + 1)})[${range}:${r.pick(["", "1m", "45s"])}]${offset(r)}`
      : `${selector(r, rate)}[${range}]${offset(r)}`;
  return rangeFunction(r, arg, rate);
}

/**
 * A range function of `arg`: one of the rate-like ones (`rate`), else an `*_over_time`, a
 * quantile with a scalar argument (φ out of [0, 1] now and then), predict_linear or Holt's
 * smoothing.
 */
function rangeFunction(r: Rand, arg: string, rate: boolean): string {
  if (rate) return `${r.pick(RATE_LIKE)}(${arg})`;
  const roll = r.int(10);
  if (roll === 0) return `quantile_over_time(${r.pick(["0.9", "0.5", "0", "1", "1.5"])}, ${arg})`;
  if (roll === 1) return `predict_linear(${arg}, ${r.pick(["60", "-300", "0", "0.125"])})`;
  if (roll === 3 && r.chance(0.5)) return `deriv(${arg})`;
  if (roll === 2 && r.chance(0.3)) return `double_exponential_smoothing(${arg}, 0.5, 0.2)`;
  return `${r.pick(OVER_TIME)}_over_time(${arg})`;
}

function binary(r: Rand, depth: number): string {
  const op = r.pick(["+", "-", "*", "/", ">", "< bool", "and", "or", "unless"]);
  const left = `sum by (job) (${rangeCall(r, depth + 1)})`;
  if (r.chance(0.5)) return `${left} ${op} sum by (job) (${rangeCall(r, depth + 1)})`;
  const matching = r.pick(["on (job)", "ignoring (instance, zone)"]);
  // Many series on the left to one on the right: group_left, or the error both must raise.
  const many = !["and", "or", "unless"].includes(op) && r.chance(0.7) ? " group_left" : "";
  return `${rangeCall(r, depth + 1)} ${op} ${matching}${many} ${left}`;
}

/** Where a generated query is evaluated. */
export type QueryAt =
  | { readonly kind: "instant"; readonly time: number }
  | { readonly kind: "range"; readonly start: number; readonly end: number; readonly step: number };

/** A seeded evaluation time or range over the data (and a little beyond). */
export function generateAt(r: Rand): QueryAt {
  if (r.chance(0.3)) return { kind: "instant", time: T0 + r.int(SPAN / 1000 + 900) * 1000 };
  const step = r.pick([15_000, 30_000, 60_000, 67_000, 300_000]);
  const start = T0 + r.int(SPAN / 1000) * 1000 - 600_000;
  const end = Math.min(start + r.int(SPAN / 1000) * 1000, T0 + SPAN + 600_000);
  return { kind: "range", start, end: Math.max(start, end), step };
}

/** An outcome as text to compare: labels, times and the bits of every value, annotations. */
export function fingerprint(outcome: QueryOutcome | Error): string {
  if (outcome instanceof Error) return `error: ${outcome.message}`;
  const notes = `warnings ${JSON.stringify(outcome.warnings)} infos ${JSON.stringify(outcome.infos)}`;
  return `${resultText(outcome.result)}\n${notes}`;
}

function resultText(result: QueryResult): string {
  switch (result.type) {
    case "scalar":
      return `scalar ${result.t} ${bits(result.v)}`;
    case "string":
      return `string ${result.t} ${result.v}`;
    case "vector":
      return result.samples.map((s) => `${s.labels.join(",")} ${s.t} ${bits(s.v)}`).join("\n");
    case "matrix":
      return result.series
        .map((s) => {
          const points = Array.from(s.timestamps, (t, i) => `${t}:${bits(s.values[i])}`);
          return `${s.labels.join(",")} ${points.join(" ")}`;
        })
        .join("\n");
  }
}

const word = new Float64Array(1);
const words = new Uint32Array(word.buffer);

/** The bits of a value (every NaN alike: their payloads are not observable through the API). */
function bits(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  word[0] = v;
  return `${words[1].toString(16)}:${words[0].toString(16)}`;
}

/** One generated case whose answer differs between the reference and a fast mode. */
export interface Difference {
  readonly mode: string;
  readonly seed: number;
  readonly query: string;
  readonly at: QueryAt;
  readonly reference: string;
  readonly fast: string;
}

/** Evaluates `query` at `at` through `run` (an engine over a store); an error is the outcome. */
export async function outcomeOf(
  engine: {
    instantQuery(q: Queryable, query: string, t: number): Promise<QueryOutcome>;
    rangeQuery(
      q: Queryable,
      query: string,
      s: number,
      e: number,
      step: number,
    ): Promise<QueryOutcome>;
  },
  store: Queryable,
  query: string,
  at: QueryAt,
): Promise<string> {
  try {
    const outcome =
      at.kind === "instant"
        ? await engine.instantQuery(store, query, at.time)
        : await engine.rangeQuery(store, query, at.start, at.end, at.step);
    return fingerprint(outcome);
  } catch (error) {
    return fingerprint(error instanceof Error ? error : new Error(String(error)));
  }
}

/** The first line where two fingerprints differ, for a short report. */
export function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i])
      return `line ${i + 1}:\n  reference: ${x[i]?.slice(0, 300)}\n  fast:      ${y[i]?.slice(0, 300)}`;
  }
  return "equal";
}

/** How many cases to run, from which seed, through which fast modes. */
export interface DifferentialRun {
  /** Data sets, each with its own seed (`seed + i`). */
  readonly datasets: number;
  /** Generated queries per data set, each run in every mode. */
  readonly cases: number;
  readonly seed: number;
  readonly modes: readonly StorageMode[];
}

/**
 * Runs the generated cases in the reference mode and in every mode of `run.modes`, and returns
 * the cases whose answers differ (at most 20). Data sets alternate between delayed name removal
 * on (Prometheus's test engine) and off (the aggregator's setting).
 */
export async function runDifferential(run: DifferentialRun): Promise<{
  cases: number;
  differences: Difference[];
}> {
  const differences: Difference[] = [];
  let cases = 0;
  for (let d = 0; d < run.datasets; d++) {
    const seed = run.seed + d;
    const storage = new MemoryStorage();
    generateData(storage, seed);
    const options = { ...ENGINE_OPTIONS, enableDelayedNameRemoval: d % 2 === 0 };
    const reference = new Engine({ ...options, reference: true });
    const fast = run.modes.map((mode) => ({
      mode,
      engine: new Engine({ ...options, ...mode.engine }),
      store: mode.view(storage),
    }));
    try {
      const r = new Rand(seed * 7919);
      for (let c = 0; c < run.cases && differences.length < 20; c++) {
        const query = generateExpr(r);
        const at = generateAt(r);
        const want = await outcomeOf(reference, storage, query, at);
        cases++;
        for (const f of fast) {
          const got = await outcomeOf(f.engine, f.store ?? storage, query, at);
          if (got !== want) {
            differences.push({ mode: f.mode.name, seed, query, at, reference: want, fast: got });
          }
        }
      }
    } finally {
      for (const f of fast) f.store?.close();
    }
  }
  return { cases, differences };
}
