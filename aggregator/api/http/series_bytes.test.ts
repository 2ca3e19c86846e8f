import { describe, expect, test } from "bun:test";
import type { SeriesPoints } from "../../promql/value.ts";
import { seriesListJson } from "./format.ts";
import { seriesListBytes } from "./series_bytes.ts";

/** A small deterministic generator, so that a failure can be run again. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Values the writer treats apart: whole numbers at its edges, signs, specials, fractions. */
const SPECIALS = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  -10,
  99,
  100,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53 - 1),
  999_999_999_999_999,
  1e15,
  1e16,
  1e20,
  1e21,
  -1e21,
  1e300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  5e-324,
  1e-6,
  1e-7,
  1.5e-7,
  0.1,
  0.1 + 0.2,
  -2.5,
  123456.789,
  0.43,
  -0.05,
  0.000001,
  0.0000015,
  1.000001,
  999999.999999,
  45.5,
  2 ** 51 / 10 + 0.5,
  2 ** 52 / 1e6 + 0.25,
  1e14 + 0.5,
  1e15 - 0.5,
  1e15 + 0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

function series(next: () => number, count: number): SeriesPoints[] {
  return Array.from({ length: count }, (_, s) => {
    const n = Math.floor(next() * 400);
    // Shared step times mostly; some series shifted or at fractional milliseconds, so the
    // formatted times are sometimes met again at an index and sometimes not.
    const shift = s % 5 === 3 ? 7_250 : 0;
    const frac = s % 7 === 5 ? 0.5 : 0;
    const timestamps = Float64Array.from(
      { length: n },
      (_, i) => 1_700_000_000_000 + i * 60_000 + shift + frac - (s % 11 === 0 ? 3e12 : 0),
    );
    const values = Float64Array.from({ length: n }, () => {
      const r = next();
      if (r < 0.2) return SPECIALS[Math.floor(next() * SPECIALS.length)];
      if (r < 0.5) return Math.floor((next() - 0.5) * 2 ** Math.floor(next() * 54));
      if (r < 0.7) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      if (r < 0.85) {
        // A few decimals, as exporters' gauges have, at every magnitude the writer meets.
        const decimals = 10 ** Math.floor(next() * 9);
        return Math.round((next() - 0.3) * 10 ** Math.floor(next() * 18 - 3) * decimals) / decimals;
      }
      return next() * 100;
    });
    const labels = ["__name__", "m", "s", `${s}`, "odd", s % 3 === 0 ? `é"<&>\\\u2028${s}` : "x"];
    return { labels, timestamps, values };
  });
}

describe("seriesListBytes()", () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "writes seriesListJson()'s UTF-8, byte for byte (seed %d)",
    (seed) => {
      const next = random(seed);
      const list = series(next, 1 + Math.floor(next() * 40));
      const want = new TextEncoder().encode(seriesListJson(list));
      expect(Buffer.from(seriesListBytes(list)).equals(Buffer.from(want))).toBe(true);
    },
  );

  test("writes every special value as Prometheus does, and nothing for no series", () => {
    const timestamps = Float64Array.from(SPECIALS, (_, i) => i * 1_500);
    const list = [{ labels: ["a", "b"], timestamps, values: Float64Array.from(SPECIALS) }];
    expect(new TextDecoder().decode(seriesListBytes(list))).toBe(seriesListJson(list));
    expect(seriesListBytes([]).length).toBe(0);
  });

  test("sizes its buffer once for the points at their longest", () => {
    // A grown buffer doubles: an answer of computed values must fit the first one.
    const list = Array.from({ length: 20 }, (_, k) => ({
      labels: ["__name__", "x", "instance", `host-${k}:9100`],
      timestamps: Float64Array.from({ length: 1_435 }, (_, i) => 1_703_981_407_000 + i * 60_000),
      values: Float64Array.from({ length: 1_435 }, (_, i) => -(k + 1) * 85_729_404.02174217 * i),
    }));
    const bytes = seriesListBytes(list);
    expect(new TextDecoder().decode(bytes)).toBe(seriesListJson(list));
    expect(bytes.buffer.byteLength).toBeLessThan(bytes.length * 1.5);
  });

  test("grows past its first guess of the size", () => {
    const labels = ["long", "ü".repeat(5_000)];
    const list = Array.from({ length: 3 }, () => ({
      labels,
      timestamps: Float64Array.from({ length: 50 }, (_, i) => -1_234_567 - i * 0.25),
      values: Float64Array.from({ length: 50 }, (_, i) => -1.2345678901234568e-300 * (i + 1)),
    }));
    expect(new TextDecoder().decode(seriesListBytes(list))).toBe(seriesListJson(list));
  });
});
