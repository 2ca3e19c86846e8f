import { describe, expect, test } from "bun:test";
import { RANGE_FUNCTIONS } from "./range.ts";
import { expectClose, load, m, type Row, s, windowOf } from "./test_windows.ts";

// Series of functions.test (avg_over_time, sum_over_time, *_over_time sections), plus edges.
const S10 = s(10);
const ONE_TO_FIVE = load("1 2 3 4 5", S10);
const INF_LAST = load("1 2 3 4 Inf", S10);
const NEG_INF_LAST = load("1 2 3 4 -Inf", S10);
const BOTH_INFS = load("1 2 3 Inf -Inf", S10);
const INF_ZERO_INF = load("Inf 0 Inf", S10);
const INFS_THEN_NEG = load("Inf Inf Inf -Inf", S10);
const NEG_INFS = load("1 2 3 -Inf -Inf", S10);
const NEG_INF_ZERO = load("-Inf 0 -Inf", S10);
const MIXED_INFS = load("1 2 -Inf -Inf Inf", S10);
const HUGE = load("9.988465674311579e+307 9.988465674311579e+307", S10);
const NEG_HUGE = load(
  "-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307",
  S10,
);
const CANCELLING_HUGE = load("-9.988465674311579e+307 9.988465674311579e+307", S10);
const TRAILING_NANS = load("1 2 3 NaN NaN", S10);
const BIG_SMALL = load("1 1e100 1 -1e100", S10);
const MAGNITUDES = load("1e10 1e-6 1e-6 1e-6 1e-6 1e-6", s(5));
const ORDINARY = load(
  "5.30921651659898 0.961118537914768 1.62091361305318 " +
    "0.865089463758091 0.323055185914577 0.951811357687154",
  s(5),
);
const HUGE_FIRST = load("1.78264e50 0.76342771 1.9592258 7.69805412 458.90154", s(5));
const HUGE_MIDDLE = load("0.76342771 1.9592258 7.69805412 1.78264e50 458.90154", s(5));
const HUGER = load("1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 458.90154", s(5));
const NEG_HUGER = load("-1.78264E+50 0.76342771 1.9592258 -2.258E+220 7.69805412 -458.90154", s(5));
const MANY_MAGNITUDES = load(
  "-1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 " +
    "2.258E+220 7.69805412 1.78264E+219 -458.90154",
  s(5),
);
const CANCEL_ALL = load(
  "-2.258E+220 -1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 " +
    "2.258E+220 7.69805412 1.78264E+219 -458.90154",
  s(5),
);
const NEG_DOMINATED = load(
  "-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154",
  s(5),
);
const SYMMETRIC_HUGE = load(
  "-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 1.78264E+215 -458.90154",
  s(5),
);
const FIFTY_TWO = load("52+0x100", S10);
const DENSE = load("1+0x4000", 1);
const SPREAD = load("0 8 8 2 3", S10);
const CONSTANT = load("1.5990505637277868 1.5990505637277868 1.5990505637277868", S10);
const NUMBERS = load("2 0 3", S10);
const SOME_NAN = load("2 0 NaN", S10);
const NAN_MIDDLE = load("2 NaN 1", S10);
const NAN_FIRST = load("NaN 0 1", S10);
const ONLY_NAN = load("NaN NaN NaN", S10);
const SPARSE = load("_ 5 2 _ 4 _", S10);
const ODD = load("1 2 3 0 5 6 2 1 4", 10_053);
const GAPPY = load("_ _ 1 2 3 _ _", 10_053);
const TIES = load("1 3 3 1", S10);

const rows: Row[] = [
  ["avg_over_time", "no samples", ONE_TO_FIVE, s(55), S10, null],
  ["avg_over_time", "one sample", ONE_TO_FIVE, s(55), s(20), 5],
  ["avg_over_time", "all samples", ONE_TO_FIVE, s(55), m(1), 3],
  ["avg_over_time", "a last +Inf", INF_LAST, s(55), m(1), Infinity],
  ["avg_over_time", "a last -Inf", NEG_INF_LAST, s(55), m(1), -Infinity],
  ["avg_over_time", "+Inf and -Inf", BOTH_INFS, s(55), m(1), Number.NaN],
  ["avg_over_time", "Inf 0 Inf", INF_ZERO_INF, s(55), m(1), Infinity],
  ["avg_over_time", "Infs then -Inf", INFS_THEN_NEG, s(55), m(1), Number.NaN],
  ["avg_over_time", "two -Infs", NEG_INFS, s(55), m(1), -Infinity],
  ["avg_over_time", "-Inf 0 -Inf", NEG_INF_ZERO, s(55), m(1), -Infinity],
  ["avg_over_time", "-Infs and +Inf", MIXED_INFS, s(55), m(1), Number.NaN],
  ["avg_over_time", "an overflowing sum", HUGE, s(55), m(1), 9.988465674311579e307],
  ["avg_over_time", "a negative overflow", NEG_HUGE, s(55), m(1), -9.988465674311579e307],
  ["avg_over_time", "huge values cancelling", CANCELLING_HUGE, s(55), m(1), 0],
  ["avg_over_time", "numbers before NaNs", TRAILING_NANS, s(20), m(1), 2],
  ["avg_over_time", "a NaN", TRAILING_NANS, s(30), m(1), Number.NaN],
  ["avg_over_time", "big and small values", BIG_SMALL, m(1), m(2), 0.5],
  ["avg_over_time", "varying magnitudes", MAGNITUDES, s(55), m(1), 1.6666666666666675e9],
  ["avg_over_time", "ordinary values", ORDINARY, s(55), m(1), 1.67186744582113],
  ["avg_over_time", "a huge first value", HUGE_FIRST, s(55), m(1), 3.56528e49],
  ["avg_over_time", "a huge middle value", HUGE_MIDDLE, s(55), m(1), 3.56528e49],
  ["avg_over_time", "a value near overflow", HUGER, s(55), m(1), 3.76333333333333e219],
  ["avg_over_time", "negative huge values", NEG_HUGER, s(55), m(1), -3.76333333333333e219],
  ["avg_over_time", "a negative huge value", NEG_DOMINATED, s(55), m(1), 3.76330362266667e219],
  ["avg_over_time", "symmetric huge values", SYMMETRIC_HUGE, s(55), m(1), 3.225714285714286e219],
  ["avg_over_time", "many magnitudes", MANY_MAGNITUDES, s(55), m(1), 2.5088888888888888e219],
  ["avg_over_time", "all large values cancelling", CANCEL_ALL, s(55), m(1), 0],
  ["avg_over_time", "ten equal values", FIFTY_TWO, m(10), s(100), 52],
  ["avg_over_time", "thirteen equal values", FIFTY_TWO, m(10), s(130), 52],
  ["sum_over_time", "no samples", ONE_TO_FIVE, s(55), S10, null],
  ["sum_over_time", "big and small values", BIG_SMALL, m(1), m(2), 2],
  ["sum_over_time", "an overflow", HUGE, s(55), m(1), Infinity],
  ["sum_over_time", "1000 dense samples", DENSE, s(4), 1000, 1000],
  ["sum_over_time", "2003 dense samples", DENSE, s(4), 2003, 2003],
  ["sum_over_time", "3001 dense samples", DENSE, s(4), 3001, 3001],
  ["count_over_time", "three samples", NUMBERS, m(1), m(2), 3],
  ["count_over_time", "no samples", NUMBERS, m(5), m(1), null],
  ["present_over_time", "some samples", SPARSE, m(1), m(2), 1],
  ["stdvar_over_time", "five values", SPREAD, m(1), m(2), 10.56],
  ["stddev_over_time", "five values", SPREAD, m(1), m(2), Math.sqrt(10.56)],
  ["stdvar_over_time", "a constant", CONSTANT, s(55), m(1), 0],
  ["stddev_over_time", "a constant", CONSTANT, s(55), m(1), 0],
  ["stddev_over_time", "no samples", CONSTANT, m(5), m(1), null],
  ["min_over_time", "numbers", NUMBERS, m(1), m(2), 0],
  ["min_over_time", "a last NaN", SOME_NAN, m(1), m(2), 0],
  ["min_over_time", "a NaN in the middle", NAN_MIDDLE, m(1), m(2), 1],
  ["min_over_time", "a first NaN", NAN_FIRST, m(1), m(2), 0],
  ["min_over_time", "only NaNs", ONLY_NAN, m(1), m(2), Number.NaN],
  ["min_over_time", "gaps", SPARSE, m(1), m(2), 2],
  ["max_over_time", "numbers", NUMBERS, m(1), m(2), 3],
  ["max_over_time", "a last NaN", SOME_NAN, m(1), m(2), 2],
  ["max_over_time", "a NaN in the middle", NAN_MIDDLE, m(1), m(2), 2],
  ["max_over_time", "a first NaN", NAN_FIRST, m(1), m(2), 1],
  ["max_over_time", "only NaNs", ONLY_NAN, m(1), m(2), Number.NaN],
  ["max_over_time", "gaps", SPARSE, m(1), m(2), 5],
  ["last_over_time", "numbers", NUMBERS, m(1), m(2), 3],
  ["last_over_time", "a last NaN", SOME_NAN, m(1), m(2), Number.NaN],
  ["last_over_time", "gaps", SPARSE, m(1), m(2), 4],
  ["first_over_time", "numbers", NUMBERS, m(1), m(2), 2],
  ["first_over_time", "a first NaN", NAN_FIRST, m(1), m(2), Number.NaN],
  ["first_over_time", "gaps", SPARSE, m(1), m(2), 5],
  ["ts_of_min_over_time", "an odd interval", ODD, s(90), s(90), 30.159],
  ["ts_of_max_over_time", "an odd interval", ODD, s(90), s(90), 50.265],
  ["ts_of_max_over_time", "ties, taking the latest", TIES, m(1), m(1), 20],
  ["ts_of_min_over_time", "ties, taking the latest", TIES, m(1), m(2), 30],
  ["ts_of_last_over_time", "trailing gaps", GAPPY, s(90), s(90), 40.212],
  ["ts_of_first_over_time", "leading gaps", GAPPY, s(95), s(90), 20.106],
  ["ts_of_first_over_time", "no samples yet", GAPPY, s(15), s(90), null],
];

describe("*_over_time kernels", () => {
  for (const [fn, name, series, at, range, want, offset] of rows) {
    test(`${fn}() over ${name} gives ${want}`, () => {
      expectClose(RANGE_FUNCTIONS[fn](windowOf(series, at, range, offset), []), want, 1e-13);
    });
  }
});

describe("avg_over_time() exactness", () => {
  test("avg_over_time() of equal values is exactly that value (for == comparisons)", () => {
    for (const range of [s(100), s(110), s(120), s(130)]) {
      expect(RANGE_FUNCTIONS.avg_over_time(windowOf(FIFTY_TWO, m(10), range), [])).toBe(52);
    }
  });
});
