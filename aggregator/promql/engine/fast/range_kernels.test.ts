import { describe, expect, test } from "bun:test";
import { narrowed } from "../../../../shared/model/sample.ts";
import { random } from "../../../../test/harness/random.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import { RANGE_FUNCTIONS, type Window } from "../../functions/range.ts";
import { narrowRuns } from "./extreme_kernel.ts";
import { NARROW_KERNELS, SLIDING_KERNELS } from "./range_kernels.ts";
import { regressionWindows } from "./regression_kernel.ts";
import type { SlideCall } from "./slide_kernel.ts";
import { type SlideRun, slideSteps } from "./slide_parts.ts";
import { PartsCursor, throughPart } from "./sliding_parts.ts";
import { Plans } from "./window_plan.ts";

/** Value shapes that make the kernels branch. */
const SHAPES: Record<string, (next: () => number, i: number) => number> = {
  // Ties, 0 and -0 (equal, with other bits), whole numbers that sum exactly.
  "whole with ties and ±0": (next) => [0, -0, 1, 1, -1, 3, 3][Math.floor(next() * 7)],
  fractions: (next) => next() * 100 - 50,
  "NaN runs and infinities": (next, i) =>
    i % 17 < 4
      ? Number.NaN
      : [Number.POSITIVE_INFINITY, -1e308, next(), -2][Math.floor(next() * 4)],
  // Whole numbers too big to sum exactly: the sum kernels fall back to the reference.
  "huge whole numbers": (next) => (next() < 0.5 ? -1 : 1) * 2 ** 52 + Math.floor(next() * 8),
  // Whole numbers near 2^33 (a byte counter): the least squares' sums are exact over short
  // windows, not over long ones (the regression kernel falls back there).
  "whole numbers near 2^33": (next, i) => 2 ** 33 + i * 3 + Math.floor(next() * 5),
  // Small whole numbers that go up and down, no -0: narrow values, as most gauges are.
  "small whole numbers": (next) => Math.floor(next() * 21) - 10,
};

/**
 * Scrape times: jittered by milliseconds (the regression kernel falls back), by eighths of a
 * second or on whole seconds (its exact sums apply to whole values).
 */
const TIMES: Record<string, number> = {
  "jittered milliseconds": 1,
  "jittered eighths of a second": 125,
  "whole seconds": 1000,
};

/** A series with jittered scrapes (in multiples of `grain` ms) and gaps, valued by `shape`. */
function series(
  seed: number,
  n: number,
  shape: (next: () => number, i: number) => number,
  grain: number,
) {
  const next = random(seed);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += next() < 0.05 ? 120_000 : 14_000 + Math.floor(next() * 2_000);
    ts[i] = t - (t % grain);
    vs[i] = shape(next, i);
  }
  return { ts, vs };
}

/** The call's per-step arguments: φ for quantile_over_time, seconds for predict_linear, … */
function paramsOf(name: string, steps: number): Float64Array[] {
  const fill = (v: number) => new Float64Array(steps).fill(v);
  if (name === "quantile_over_time") return [fill(0.9)];
  if (name === "predict_linear") return [fill(300)];
  if (name === "double_exponential_smoothing") return [fill(0.5), fill(0.2)];
  return [];
}

/** What the reference kernel gives at every step, window by window. */
function reference(name: string, ts: Float64Array, vs: Float64Array, call: SlideCall) {
  const w: Window = { ts, vs, lo: 0, hi: 0, start: 0, end: 0, isCounter: false };
  return Array.from(call.ends, (end, i) => {
    w.start = end - call.range;
    w.end = end;
    w.evalTs = call.t0 + i * call.step;
    w.lo = ts.findIndex((t) => t > w.start);
    if (w.lo < 0) w.lo = ts.length;
    w.hi = w.lo;
    while (w.hi < ts.length && ts[w.hi] <= end) w.hi++;
    if (w.hi === w.lo) return null;
    return RANGE_FUNCTIONS[name](
      w,
      call.params.map((p) => p[i]),
    );
  });
}

/**
 * The sliding kernel over `ts`/`vs` cut into slices at `cuts`, narrow where they can be; with
 * `narrow`, the function's narrow kernel (if it has one) reads those in place.
 */
function sliding(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  call: SlideCall,
  cuts: number[],
  narrow = false,
) {
  const bounds = [0, ...cuts, ts.length];
  const parts: CachedPart[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const values = vs.slice(bounds[k], bounds[k + 1]);
    const narrow = narrowed(values) ?? undefined;
    parts.push({ timestamps: ts.slice(bounds[k], bounds[k + 1]), values, narrow });
  }
  const run: SlideRun = {
    kernel: SLIDING_KERNELS[name],
    narrowKernel: narrow ? NARROW_KERNELS[name] : undefined,
    call,
    plans: new Plans(call.ends, call.range, null),
    stats: { touched: 0 },
  };
  const values = new Float64Array(call.ends.length);
  const present = new Uint8Array(call.ends.length);
  const cursor = new PartsCursor();
  const steps = slideSteps(run);
  while (throughPart(steps, parts, values, present, cursor));
  const out = Array.from(values, (v, i) => (present[i] ? v : null));
  expect(cursor.count).toBe(out.filter((v) => v !== null).length);
  return out;
}

/** Values as their bits, so that 0 and -0 differ and NaN equals NaN. */
function bits(values: (number | null)[]): string[] {
  const word = new Float64Array(1);
  const words = new Uint32Array(word.buffer);
  return values.map((v) => {
    if (v === null || Number.isNaN(v)) return String(v);
    word[0] = v;
    return `${words[1]}:${words[0]}`;
  });
}

const RANGES = [30_000, 300_000, 600_000, 3_600_000];

describe("sliding kernels", () => {
  for (const name of Object.keys(SLIDING_KERNELS)) {
    for (const [shape, make] of Object.entries(SHAPES)) {
      for (const [times, grain] of Object.entries(TIMES)) {
        test(`${name} over ${shape} at ${times} equals the reference kernel bit for bit, in slices or whole`, () => {
          check(name, make, grain);
        });
      }
    }
  }
  test("max/min_over_time over narrow values take the sparse table, the deque and the widened values each", () => {
    narrowRuns.table = narrowRuns.deque = narrowRuns.declined = 0;
    check("max_over_time", SHAPES["small whole numbers"], 1000);
    check("min_over_time", SHAPES["whole numbers near 2^33"], 125);
    expect(narrowRuns.table).toBeGreaterThan(10);
    expect(narrowRuns.deque).toBeGreaterThan(0);
    expect(narrowRuns.declined).toBeGreaterThan(0);
  });
  test("deriv and predict_linear answer from exact sliding sums where they can, and fall back elsewhere", () => {
    regressionWindows.exact = 0;
    regressionWindows.reference = 0;
    check("deriv", SHAPES["whole with ties and ±0"], 125);
    check("predict_linear", SHAPES["whole numbers near 2^33"], 1000);
    expect(regressionWindows.exact).toBeGreaterThan(500);
    expect(regressionWindows.reference).toBeGreaterThan(50);
  });
});

/** `name`'s sliding kernel over series valued by `make` at times of `grain` ms, against the reference. */
function check(name: string, make: (next: () => number, i: number) => number, grain: number) {
  for (const [seed, range] of RANGES.entries()) {
    checkCall(name, series(seed + 1, 600, make, grain), 60_000 + seed * 7_000, range);
  }
  // Ranges a multiple of the step, as dashboards ask (each window whole steps of samples).
  for (const [seed, [range, step]] of ALIGNED.entries()) {
    checkCall(name, series(seed + 11, 600, make, grain), step, range);
  }
}

/** Ranges with steps that divide them. */
const ALIGNED = [
  [600_000, 60_000],
  [300_000, 15_000],
  [3_600_000, 300_000],
];

/** One call of `name` over `ts`/`vs` at `step` and `range`, whole and in slices. */
function checkCall(
  name: string,
  { ts, vs }: { ts: Float64Array; vs: Float64Array },
  step: number,
  range: number,
) {
  const ends = Float64Array.from({ length: 160 }, (_, i) => 45_000 + i * step);
  const call = { ends, range, params: paramsOf(name, ends.length), t0: 45_000, step };
  const want = bits(reference(name, ts, vs, call));
  expect(bits(sliding(name, ts, vs, call, []))).toEqual(want);
  // Hourly-like slices, and slices shorter than the range (seams over several).
  expect(bits(sliding(name, ts, vs, call, [100, 250, 400]))).toEqual(want);
  const short = Array.from({ length: 59 }, (_, k) => 10 * (k + 1));
  expect(bits(sliding(name, ts, vs, call, short))).toEqual(want);
  if (NARROW_KERNELS[name] === undefined) return;
  expect(bits(sliding(name, ts, vs, call, [], true))).toEqual(want);
  expect(bits(sliding(name, ts, vs, call, [100, 250, 400], true))).toEqual(want);
  expect(bits(sliding(name, ts, vs, call, short, true))).toEqual(want);
}
