import { describe, expect, test } from "bun:test";
import { dropsOf, narrowed, neverDrops, writeStale } from "../../../../shared/model/sample.ts";
import { random } from "../../../../test/harness/random.ts";
import { RANGE_FUNCTIONS, type Window } from "../../functions/range.ts";
import { RATE_KINDS, slidingRate } from "./fast_rate.ts";
import { partsPay, slidingRateParts } from "./sliding_parts.ts";
import { Plans } from "./window_plan.ts";

/** A counter with jittered scrapes, gaps, resets, NaNs and negative values. */
function series(seed: number, n: number): { ts: Float64Array; vs: Float64Array } {
  const next = random(seed);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let t = Math.floor(next() * 30_000) - 15_000;
  let v = next() < 0.2 ? -5 : 0;
  for (let i = 0; i < n; i++) {
    t += next() < 0.05 ? 120_000 : 14_000 + Math.floor(next() * 2_000);
    const roll = next();
    v =
      roll < 0.03
        ? next() * 3
        : roll < 0.04
          ? Number.NaN
          : (Number.isNaN(v) ? 0 : v) + next() * 100;
    ts[i] = t;
    vs[i] = v;
  }
  return { ts, vs };
}

/** What the kernel gives for every step, through the plain window loop. */
function viaKernel(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  range: number,
) {
  const out: (number | null)[] = [];
  const w: Window = { ts, vs, lo: 0, hi: 0, start: 0, end: 0, isCounter: true };
  for (const end of ends) {
    w.start = end - range;
    w.end = end;
    w.lo = ts.findIndex((t) => t > w.start);
    if (w.lo < 0) w.lo = ts.length;
    w.hi = w.lo;
    while (w.hi < ts.length && ts[w.hi] <= end) w.hi++;
    out.push(w.hi === w.lo ? null : RANGE_FUNCTIONS[name](w, []));
  }
  return out;
}

/** slidingRate() over every step of one series; returns its values, count and samples touched. */
function sliding(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  range: number,
  opts: { checkStale?: boolean; plans?: Plans } = {},
) {
  const values = new Float64Array(ends.length);
  const present = new Uint8Array(ends.length);
  const stats = { touched: 0 };
  const plans = opts.plans ?? new Plans(ends, range, RATE_KINDS[name].perSecond);
  const plan = plans.shared(ts, 0, ends.length);
  const count = slidingRate(RATE_KINDS[name], stats, vs, plan, values, present, !!opts.checkStale);
  return {
    count,
    touched: stats.touched,
    values: Array.from(values, (v, i) => (present[i] ? v : null)),
  };
}

function viaSliding(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  range: number,
) {
  return sliding(name, ts, vs, ends, range).values;
}

/** Window ranges and steps: steps shorter and longer than windows, windows of 3 to 70 samples. */
const SHAPES: [range: number, step: number][] = [
  [300_000, 60_000],
  [60_000, 15_000],
  [45_000, 120_000],
  [1_000_000, 7_000],
];

describe("slidingRate()", () => {
  for (const name of ["rate", "increase", "delta"]) {
    for (const [range, step] of SHAPES) {
      test(`gives exactly the ${name} kernel's results for ${range / 1000}s windows every ${step / 1000}s`, () => {
        for (let seed = 1; seed <= 20; seed++) {
          const { ts, vs } = series(seed, 400);
          const ends = Float64Array.from({ length: 120 }, (_, i) => ts[0] - range + i * step);
          expect(viaSliding(name, ts, vs, ends, range)).toEqual(
            viaKernel(name, ts, vs, ends, range),
          );
        }
      });
    }
  }

  test("reports -1 when it meets a staleness marker, so the caller compacts the series", () => {
    const ts = Float64Array.from([0, 1_000, 2_000]);
    const vs = Float64Array.from([1, Number.NaN, 3]);
    writeStale(new Uint32Array(vs.buffer), 1);
    const out = sliding("rate", ts, vs, Float64Array.from([2_000]), 5_000, { checkStale: true });
    expect(out.count).toBe(-1);
  });

  test("counts the samples its windows held", () => {
    const ts = Float64Array.from([0, 10, 20, 30]);
    expect(sliding("rate", ts, ts, Float64Array.from([20, 30]), 20).touched).toBe(4);
  });

  test("lays out the windows of shared timestamps once, and gives each series its own values", () => {
    const ends = Float64Array.from({ length: 120 }, (_, i) => 300_000 + i * 60_000);
    const plans = new Plans(ends, 300_000, true);
    const { ts } = series(3, 400);
    for (let seed = 1; seed <= 5; seed++) {
      const { vs } = series(seed, 400);
      expect(sliding("rate", ts, vs, ends, 300_000, { plans }).values).toEqual(
        viaKernel("rate", ts, vs, ends, 300_000),
      );
    }
    expect(plans.shared(ts, 0, ends.length)).toBe(plans.shared(ts, 0, ends.length));
    // Other steps over the same array get their own layout, not the kept one.
    expect(plans.shared(ts, 0, 10).to).toBe(10);
    expect(plans.shared(ts, 0, ends.length).to).toBe(ends.length);
  });
});

/**
 * `ts`/`vs` cut at `cuts` (ascending indices) into slices, as storage hands out hourly files;
 * `marked` flags each slice that never drops as the query cache does, and `narrow` gives each
 * its values as 32-bit offsets where they fit.
 */
function slices(
  ts: Float64Array,
  vs: Float64Array,
  cuts: number[],
  marked = false,
  narrow = false,
) {
  const bounds = [0, ...cuts, ts.length];
  return bounds.slice(1).map((hi, k) => {
    const values = vs.subarray(bounds[k], hi);
    return {
      timestamps: ts.subarray(bounds[k], hi),
      values,
      noDrops: marked && neverDrops(values),
      narrow: (narrow && narrowed(values)) || undefined,
      drops: narrow ? dropsOf(values) : undefined,
    };
  });
}

/**
 * rate() (or `name`) over `vs` cut at `cuts`, its slices' times taken from `timeSlices`
 * (shared with other series, as in the cache), narrowed where they fit when `narrow`.
 */
function rateOverShared(
  timeSlices: Float64Array[],
  vs: Float64Array,
  cuts: number[],
  marked: boolean,
  plans: Plans,
  narrow = false,
  name = "rate",
) {
  const parts = slices(vs, vs, cuts, marked, narrow).map((s, k) => ({
    ...s,
    timestamps: timeSlices[k],
  }));
  const values = new Float64Array(plans.ends.length);
  const present = new Uint8Array(plans.ends.length);
  const run = { kind: RATE_KINDS[name], stats: { touched: 0 }, plans };
  slidingRateParts(run, parts, values, present);
  return { parts, got: Array.from(values, (v, i) => (present[i] ? v : null)) };
}

describe("slidingRateParts()", () => {
  for (const [name, mark] of [
    ["rate", "none"],
    ["increase", "none"],
    ["delta", "none"],
    ["rate", "drops"],
    ["delta", "drops"],
    ["rate", "narrow"],
    ["increase", "narrow"],
    ["delta", "narrow"],
  ] as const) {
    const marked = mark !== "none";
    const how = {
      none: "slices",
      drops: "slices marked where they never drop",
      narrow: "whole numbers held as 32-bit offsets where they fit",
    }[mark];
    for (const [range, step] of SHAPES) {
      test(`gives the joined series' ${name} bit for bit over ${how}, ${range / 1000}s windows every ${step / 1000}s`, () => {
        let markedParts = 0;
        let narrowParts = 0;
        for (let seed = 1; seed <= 20; seed++) {
          const { ts, vs } = series(seed, 400);
          // Large whole numbers: the offsets from the base must rebuild them exactly.
          if (mark === "narrow")
            for (let i = 0; i < vs.length; i++) vs[i] = Math.floor(vs[i] * 1e3) + 2 ** 40;
          const next = random(seed * 7);
          // Slices of 1 to ~130 samples: some shorter than a window, some much longer.
          const cuts: number[] = [];
          for (let at = 1 + Math.floor(next() * 130); at < 400; at += 1 + Math.floor(next() * 130))
            cuts.push(at);
          const ends = Float64Array.from({ length: 120 }, (_, i) => ts[0] - range + i * step);
          const values = new Float64Array(ends.length);
          const present = new Uint8Array(ends.length);
          const stats = { touched: 0 };
          const parts = slices(ts, vs, cuts, marked, mark === "narrow");
          markedParts += parts.filter((p) => p.noDrops).length;
          narrowParts += parts.filter((p) => p.narrow).length;
          const plans = new Plans(ends, range, RATE_KINDS[name].perSecond);
          const count = slidingRateParts(
            { kind: RATE_KINDS[name], stats, plans },
            parts,
            values,
            present,
          );
          const got = Array.from(values, (v, i) => (present[i] ? v : null));
          const joined = sliding(name, ts, vs, ends, range);
          expect(got).toEqual(joined.values);
          expect(count).toBe(joined.count);
          expect(stats.touched).toBe(joined.touched);
        }
        if (marked) expect(markedParts).toBeGreaterThan(10);
        if (mark === "narrow") expect(narrowParts).toBeGreaterThan(20);
      });
    }
  }

  test("gives each of many series sharing their slices' times its own results, seams included", () => {
    const { ts } = series(5, 400);
    const cuts = [60, 130, 200, 290, 350];
    const timeSlices = slices(ts, ts, cuts).map((s) => s.timestamps);
    for (const [range, step] of [
      [300_000, 60_000],
      [60_000, 15_000],
    ]) {
      const ends = Float64Array.from({ length: 120 }, (_, i) => ts[0] + i * step);
      const plans = new Plans(ends, range, true);
      for (let seed = 1; seed <= 6; seed++) {
        const { vs } = series(seed, 400);
        // A reset on the first sample of a slice: a drop at the seam, in no slice.
        if (seed % 2 === 0) vs[130] = 0;
        const { got } = rateOverShared(timeSlices, vs, cuts, seed > 2, plans);
        expect(got).toEqual(viaKernel("rate", ts, vs, ends, range));
      }
    }
  });

  for (const narrow of [false, true]) {
    const how = narrow ? ", read in place from their narrow values" : "";
    test(`counts a reset between two slices that each never drop${how}`, () => {
      const { ts } = series(5, 400);
      const cuts = [60, 130, 200, 290, 350];
      const timeSlices = slices(ts, ts, cuts).map((s) => s.timestamps);
      const ends = Float64Array.from({ length: 120 }, (_, i) => ts[0] + i * 60_000);
      // Later series find the seams' layouts kept by the first ones.
      for (const name of ["rate", "increase", "delta"]) {
        const plans = new Plans(ends, 300_000, RATE_KINDS[name].perSecond);
        for (let seed = 1; seed <= 4; seed++) {
          const vs = Float64Array.from(
            { length: 400 },
            (_, i) => (i < 130 ? i : i - 130) * seed + 2 ** 40,
          );
          const { parts, got } = rateOverShared(timeSlices, vs, cuts, true, plans, narrow, name);
          expect(parts.every((p) => p.noDrops)).toBe(true);
          expect(parts.every((p) => p.narrow !== undefined)).toBe(narrow);
          expect(got).toEqual(viaKernel(name, ts, vs, ends, 300_000));
        }
      }
    });
  }

  test("reports -1 for a marker in any slice and counts nothing then", () => {
    const ts = Float64Array.from({ length: 12 }, (_, i) => i * 1_000);
    const vs = Float64Array.from({ length: 12 }, (_, i) => i);
    writeStale(new Uint32Array(vs.buffer), 10);
    const stats = { touched: 0 };
    const ends = Float64Array.from([3_000, 7_000, 11_000]);
    const out = slidingRateParts(
      { kind: RATE_KINDS.rate, stats, plans: new Plans(ends, 2_000, true) },
      slices(ts, vs, [4, 8]),
      new Float64Array(3),
      new Uint8Array(3),
    );
    expect(out).toBe(-1);
    expect(stats.touched).toBe(0);
  });

  test("pays only when the seams' copies stay small beside the slices", () => {
    const hour = Float64Array.from({ length: 240 }, (_, i) => i * 15_000);
    const day = Array.from({ length: 24 }, (_, h) => ({
      timestamps: hour.map((t) => t + h * 3_600_000),
      values: hour,
    }));
    expect(partsPay(day, 300_000)).toBe(true);
    expect(partsPay(day, 86_400_000)).toBe(false);
  });
});
