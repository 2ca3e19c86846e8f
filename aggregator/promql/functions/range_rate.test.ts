import { describe, expect, test } from "bun:test";
import { RANGE_FUNCTIONS } from "./range.ts";
import { rangeSeconds } from "./range_rate.ts";
import { expectClose, load, m, type Row, s, windowOf } from "./test_windows.ts";

// Series of functions.test, subquery.test and at_modifier.test, plus edge cases.
const FOO = load("1 2 3 0 1 0 0 1 2 0", m(5));
const BAR = load("1 2 3 4 5 1 2 3 4 5", m(5));
const NANS = load("NaN NaN NaN", m(5));
const NAN_MIDDLE = load("0 NaN 0", m(5));
const FROM_ZERO = load("0+10x10", m(5));
const TWICE_FROM_ZERO = load("0+18x5 0+18x5", m(5));
const FROM_TEN = load("10+10x10", m(5));
const FROM_ONE = load("1+10x10", m(5));
const DIP = load("0 1 2 3 2 3 4", m(5));
const RESET_MIDDLE = load("0+27x4 0+27x5", m(5));
const RESET_END = load("0+10x9 0 10", m(5));
const FAST = load("0+80x10", m(5));
const DOUBLE = load("0+20x10", m(5));
const CUTOFF_0M = load("0+240x10", m(4));
const CUTOFF_1M = load("60+240x10", m(4));
const CUTOFF_2M = load("120+240x10", m(4));
const CUTOFF_5M = load("300+240x10", m(4));
const FIBONACCI = load("1 1 2 3 5 8 13 21 34 55 89 144 233 377", s(7));
const AT_SERIES = load("0+1x20", s(10));
const FALLING = load("200 150 100 50 0", m(5));
const RISING = load("0 50 100 150 200", m(5));
const SMALL_DROP = load("0 10 5", m(1));
const RESTART = load("0+10x5 0+10x5", m(5));
const WITH_NANS = load("1 NaN NaN 5 11", m(5));
const STEPS = load("0 50 100 150", m(5));
const STEP_BACK = load("0 50 100 50", m(5));
const NAN_DROP = load("5 NaN 1", m(1));
const R15M1S = m(15) + 1000;

const rows: Row[] = [
  ["resets", "an empty window", FOO, m(50), m(5), null],
  ["resets", "one sample", FOO, m(50), m(10), 0],
  ["resets", "one drop in 20m", FOO, m(50), m(20), 1],
  ["resets", "two drops in 32m", FOO, m(50), m(32), 2],
  ["resets", "three drops in 50m", FOO, m(50), m(50), 3],
  ["resets", "a single reset of /bar", BAR, m(50), m(32), 1],
  ["resets", "NaN, which is never a reset", NAN_DROP, m(2), m(5), 0],
  ["changes", "an empty window", FOO, m(50), m(5), null],
  ["changes", "one sample", FOO, m(50), m(6), 0],
  ["changes", "two changes in 20m", FOO, m(50), m(20), 2],
  ["changes", "seven changes in 50m", FOO, m(50), m(50), 7],
  ["changes", "NaN to NaN, which is no change", NANS, m(15), m(20), 0],
  ["changes", "number to NaN and back", NAN_MIDDLE, m(15), m(20), 2],
  ["increase", "a counter from zero", FROM_ZERO, m(50), m(50), 100],
  ["increase", "a counter with a reset", TWICE_FROM_ZERO, m(50), m(50), 160],
  ["increase", "a counter not starting at zero", FROM_TEN, m(50), m(50), 100],
  ["increase", "the zero point not reached", TWICE_FROM_ZERO, m(50), m(100), 162],
  ["increase", "half-interval extrapolation", FROM_TEN, m(50), m(100), 105],
  ["increase", "extrapolation stopped at zero", FROM_ONE, m(50), m(100), 101],
  ["increase", "a decrease counted as a reset", DIP, m(30), m(30), 7],
  ["rate", "a reset in the middle", RESET_MIDDLE, m(50), m(50), 0.08],
  ["rate", "one sample only", RESET_END, m(50), m(5), null],
  ["rate", "a reset at the end", RESET_END, m(50), m(6), 0],
  ["rate", "a per-second result", FAST, m(50), m(50), 0.26666666666666666],
  ["rate", "an offset", FROM_ZERO, m(50), m(10), 0.03333333333333333, m(5)],
  ["rate", "an offset, faster", DOUBLE, m(50), m(10), 0.06666666666666667, m(5)],
  ["rate", "a zero cutoff at start", CUTOFF_0M, m(10), m(20), 0.5],
  ["rate", "a zero cutoff after 1m", CUTOFF_1M, m(10), m(20), 0.55],
  ["rate", "a zero cutoff at half an interval", CUTOFF_2M, m(10), m(20), 0.6],
  ["rate", "a half-interval cutoff", CUTOFF_5M, m(10), m(20), 0.6],
  ["rate", "full windows", CUTOFF_5M, m(50), m(20), 0.6],
  ["rate", "a fibonacci counter", FIBONACCI, s(80), m(1), 2.517857143],
  ["rate", "@ 100 over 100s", AT_SERIES, s(25), s(100), 0.1, s(-75)],
  ["delta", "a gauge going down", FALLING, m(20), m(20), -200],
  ["delta", "a gauge going up", RISING, m(20), m(20), 200],
  ["delta", "a drop, which is no reset", SMALL_DROP, m(2), m(3), 5 * 1.5],
  ["irate", "the last two samples", FROM_ZERO, m(50), m(50), 1 / 30],
  ["irate", "a reset between the last two", RESTART, m(30), m(50), 0],
  ["irate", "one sample", WITH_NANS, 0, R15M1S, null],
  ["irate", "NaN then a number", WITH_NANS, m(15), R15M1S, Number.NaN],
  ["irate", "numbers after NaNs", WITH_NANS, m(20), R15M1S, 0.02],
  ["idelta", "a rise", STEPS, m(20), m(20), 50],
  ["idelta", "a fall", STEP_BACK, m(20), m(20), -50],
  ["idelta", "NaN then a number", WITH_NANS, m(15), R15M1S, Number.NaN],
  ["idelta", "numbers after NaNs", WITH_NANS, m(20), R15M1S, 6],
];

describe("rate-like kernels", () => {
  for (const [fn, name, series, at, range, want, offset] of rows) {
    test(`${fn}() over ${name} gives ${want}`, () => {
      expectClose(RANGE_FUNCTIONS[fn](windowOf(series, at, range, offset), []), want, 1e-9);
    });
  }
});

describe("rangeSeconds()", () => {
  test("rangeSeconds() matches Go's Duration.Seconds for whole and fractional ranges", () => {
    expect(rangeSeconds(300_000)).toBe(300);
    expect(rangeSeconds(1001)).toBe(1 + 1e6 / 1e9);
    expect(rangeSeconds(61_500)).toBe(61.5);
  });
});
