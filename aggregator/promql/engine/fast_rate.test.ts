import { describe, expect, test } from "bun:test";
import { RANGE_FUNCTIONS, type Window } from "../functions/range.ts";
import { RATE_KINDS, slidingRate } from "./fast_rate.ts";

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

function viaSliding(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  range: number,
) {
  const values = new Float64Array(ends.length);
  const present = new Uint8Array(ends.length);
  slidingRate(RATE_KINDS[name], { touched: 0 }, ts, vs, ends, range, values, present, null);
  return Array.from(values, (v, i) => (present[i] ? v : null));
}

describe("slidingRate()", () => {
  const shapes: [range: number, step: number][] = [
    [300_000, 60_000],
    [60_000, 15_000],
    [45_000, 120_000],
    [1_000_000, 7_000],
  ];
  for (const name of ["rate", "increase", "delta"]) {
    for (const [range, step] of shapes) {
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
    const out = slidingRate(
      RATE_KINDS.rate,
      { touched: 0 },
      ts,
      vs,
      Float64Array.from([2_000]),
      5_000,
      new Float64Array(1),
      new Uint8Array(1),
      (i) => i === 1,
    );
    expect(out).toBe(-1);
  });

  test("counts the samples its windows held", () => {
    const stats = { touched: 0 };
    const ts = Float64Array.from([0, 10, 20, 30]);
    slidingRate(
      RATE_KINDS.rate,
      stats,
      ts,
      ts,
      Float64Array.from([20, 30]),
      20,
      new Float64Array(2),
      new Uint8Array(2),
      null,
    );
    expect(stats.touched).toBe(4);
  });
});
