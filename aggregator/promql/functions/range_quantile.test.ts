import { describe, expect, test } from "bun:test";
import { medianAbsoluteDeviation, quantileOf } from "./quantile.ts";
import { RANGE_FUNCTIONS } from "./range.ts";
import { expectClose, load, m, s, windowOf } from "./test_windows.ts";

// Series of functions.test (quantile_over_time, mad_over_time), plus edges.
const S10 = s(10);
const TWO = load("0 1", S10);
const THREE = load("0 1 2", S10);
const UNEVEN = load("0 1 4", S10);

// [φ, two samples, three samples, uneven samples]
const quantiles: [number, number, number, number][] = [
  [0, 0, 0, 0],
  [0.5, 0.5, 1, 1],
  [0.75, 0.75, 1.5, 2.5],
  [0.8, 0.8, 1.6, 2.8],
  [1, 1, 2, 4],
  [-1, -Infinity, -Infinity, -Infinity],
  [2, Infinity, Infinity, Infinity],
  [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
];

// [name, series, at, range, expected]
const deviations: [string, string, number, number, number][] = [
  ["an outlier", "4 6 2 1 999 1 2", s(70), s(70), 1],
  ["an odd count", "1 2 3 4 5", s(40), s(50), 1],
  ["equal values", "7 7 7 7 7", s(40), s(50), 0],
  ["a single sample", "5", 0, S10, 0],
  ["a NaN", "1 2 NaN 4", s(30), s(40), Number.NaN],
];

describe("quantile_over_time()", () => {
  for (const [q, two, three, uneven] of quantiles) {
    test(`quantile_over_time(${q}) interpolates between ranks`, () => {
      const at = (series: typeof TWO) =>
        RANGE_FUNCTIONS.quantile_over_time(windowOf(series, m(1), m(2)), [q]);
      expectClose(at(TWO), two);
      expectClose(at(THREE), three);
      expectClose(at(UNEVEN), uneven);
    });
  }
  test("quantile_over_time() of an empty window gives no output", () => {
    expect(RANGE_FUNCTIONS.quantile_over_time(windowOf(TWO, m(5), S10), [0.5])).toBeNull();
  });
});

describe("mad_over_time()", () => {
  for (const [name, notation, at, range, want] of deviations) {
    test(`mad_over_time() over ${name} gives ${want}`, () => {
      expectClose(
        RANGE_FUNCTIONS.mad_over_time(windowOf(load(notation, S10), at, range), []),
        want,
      );
    });
  }
});

describe("quantileOf()", () => {
  const values = Float64Array.of(Number.NaN, 2, 1);
  const cases: [number, number][] = [
    [0, Number.NaN],
    [0.25, Number.NaN],
    [0.5, 1],
    [0.75, 1.5],
    [1, 2],
  ];
  for (const [q, want] of cases) {
    test(`quantileOf(${q}) orders NaN before every number`, () => {
      expectClose(quantileOf(q, values, 0, 3), want);
    });
  }

  test("quantileOf() matches a sorted reference on random data and leaves its input alone", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * 300);
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * 50) - 25);
      const copy = values.slice();
      const sorted = values.slice().sort();
      const q = random();
      const rank = q * (n - 1);
      const lower = Math.floor(rank);
      const upper = Math.min(n - 1, lower + 1);
      const weight = rank - lower;
      const want = sorted[lower] * (1 - weight) + sorted[upper] * weight;
      expect(quantileOf(q, values, 0, n)).toBe(want);
      expect(values).toEqual(copy);
    }
  });

  test("medianAbsoluteDeviation() takes an infinite deviation like any other", () => {
    // Median 1.5; deviations Inf, 0.5, 0.5, 1.5 → median 1.
    expect(medianAbsoluteDeviation(Float64Array.of(-Infinity, 1, 2, 3), 0, 4)).toBe(1);
  });

  test("medianAbsoluteDeviation() sorts Inf - Inf deviations first, as NaN", () => {
    // Median +Inf; deviations NaN, NaN, NaN, Inf → the median is NaN.
    expect(
      medianAbsoluteDeviation(Float64Array.of(Infinity, Infinity, Infinity, 1), 0, 4),
    ).toBeNaN();
  });
});
