import { describe, expect, test } from "bun:test";
import { PromQLError } from "../value.ts";
import { RANGE_FUNCTIONS } from "./range.ts";
import { expectClose, load, m, type Row, s, windowOf } from "./test_windows.ts";

// Series of functions.test (deriv, predict_linear, double_exponential_smoothing), plus edges.
const COUNTER = load("0+80x10", m(5));
const RESET_MIDDLE = load("0+10x4 0+10x5", m(5));
const WITH_INFS = load("-Inf 0+80x10 Inf", m(5));
const CONSTANT = load("3 3 3", m(1));
const CONSTANT_INF = load("Inf Inf", m(1));
const WITH_NAN = load("1 NaN 3", m(1));
const AT_3000 = (at: number) => at - s(3000);

const rows: Row[] = [
  ["deriv", "a steady counter", COUNTER, m(50), m(50), 0.26666666666666666],
  ["deriv", "a reset in the middle", RESET_MIDDLE, m(50), m(100), 0.010606060606060607],
  ["deriv", "infinite values", WITH_INFS, m(100), m(100), Number.NaN],
  ["deriv", "a constant", CONSTANT, m(2), m(5), 0],
  ["deriv", "a constant +Inf", CONSTANT_INF, m(1), m(5), Number.NaN],
  ["deriv", "a NaN", WITH_NAN, m(2), m(5), Number.NaN],
  ["deriv", "one sample", COUNTER, m(50), m(5), null],
  ["deriv", "no samples", COUNTER, m(80), m(5), null],
];

// [series, at, range, seconds, expected, offset]
const predictions: [string, number, number, number, number, number?][] = [
  ["the window end", m(50), m(50), 3600, 70],
  ["@ 3000 at 50m", m(50), m(55), 3600, 76.81818181818181, AT_3000(m(50))],
  ["@ 3000 at 10m", m(10), m(55), 3600, 51.36363636363637, AT_3000(m(10))],
  ["@ 3000 at 70m", m(70), m(55), 3600, 89.54545454545455, AT_3000(m(70))],
];

const S10 = s(10);
// [name, series, at, expected]
const smoothing: [string, string, number, number][] = [
  ["a slow rise", "0+10x1000 100+30x1000", s(8000), 8000],
  ["a faster rise", "0+20x1000 200+30x1000", s(8000), 16000],
  ["a rise before a jump", "0+30x1000 300+80x1000", s(8000), 24000],
  ["a long rise", "0+40x2000", s(8000), 32000],
  ["the second segment", "0+10x1000 100+30x1000", s(20010), 30100],
  ["a fall to zero", "8000-10x1000", s(8000), 0],
  ["a fall below zero", "0-20x1000", s(8000), -16000],
  ["a fall before a rise", "0-40x1000 0+40x1000", s(8000), -32000],
];

describe("trend kernels", () => {
  for (const [fn, name, series, at, range, want, offset] of rows) {
    test(`${fn}() over ${name} gives ${want}`, () => {
      expectClose(RANGE_FUNCTIONS[fn](windowOf(series, at, range, offset), []), want);
    });
  }
  for (const [name, at, range, seconds, want, offset] of predictions) {
    test(`predict_linear() extrapolates ${seconds}s from ${name}`, () => {
      const w = windowOf(RESET_MIDDLE, at, range, offset);
      expectClose(RANGE_FUNCTIONS.predict_linear(w, [seconds]), want);
    });
  }
  test("predict_linear() of infinite values is NaN", () => {
    const w = windowOf(WITH_INFS, m(100), m(100));
    expect(RANGE_FUNCTIONS.predict_linear(w, [6000])).toBeNaN();
  });
  test("predict_linear() extrapolates from the window end when the step time is unknown", () => {
    const w = { ...windowOf(RESET_MIDDLE, m(50), m(50)), evalTs: undefined };
    expectClose(RANGE_FUNCTIONS.predict_linear(w, [3600]), 70);
  });
});

describe("double_exponential_smoothing()", () => {
  for (const [name, notation, at, want] of smoothing) {
    test(`double_exponential_smoothing() follows ${name} to ${want}`, () => {
      const w = windowOf(load(notation, S10), at, m(1));
      expectClose(RANGE_FUNCTIONS.double_exponential_smoothing(w, [0.01, 0.1]), want, 1e-9);
    });
  }
  test("double_exponential_smoothing() needs two samples", () => {
    const w = windowOf(load("1 2", S10), s(10), S10);
    expect(RANGE_FUNCTIONS.double_exponential_smoothing(w, [0.5, 0.5])).toBeNull();
  });
  test("double_exponential_smoothing() rejects factors outside (0, 1) as Prometheus does", () => {
    const w = windowOf(load("1 2 3", S10), s(20), m(1));
    const run = (sf: number, tf: number) => () =>
      RANGE_FUNCTIONS.double_exponential_smoothing(w, [sf, tf]);
    expect(run(1, 0.5)).toThrow(PromQLError);
    expect(run(1, 0.5)).toThrow("invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
    expect(run(0.5, 0)).toThrow("invalid trend factor. Expected: 0 < tf < 1, got: 0.000000");
    expect(run(0.5, Infinity)).toThrow("invalid trend factor. Expected: 0 < tf < 1, got: +Inf");
  });
  test("double_exponential_smoothing() does not check factors of an empty window", () => {
    const w = windowOf(load("1 2 3", S10), m(5), S10);
    expect(RANGE_FUNCTIONS.double_exponential_smoothing(w, [2, 2])).toBeNull();
  });
});
