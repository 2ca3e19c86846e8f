import { describe, expect, test } from "bun:test";
import { MATH_FUNCTIONS, mathDropsAll } from "./math.ts";
import { expectClose } from "./test_windows.ts";

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

// The `data` series of functions.test's abs/ceil/floor/round section, and their results.
const INPUTS = [2.5, 2, -2.5, -2, 0, -0, INF, -INF, NAN];
const rounding: [string, number[]][] = [
  ["abs", [2.5, 2, 2.5, 2, 0, 0, INF, INF, NAN]],
  ["ceil", [3, 2, -2, -2, 0, 0, INF, -INF, NAN]],
  ["floor", [2, 2, -3, -2, 0, 0, INF, -INF, NAN]],
  ["round", [3, 2, -2, -2, 0, 0, INF, -INF, NAN]],
];

// [function, input, params, expected]: functions.test, trig_functions.test, and own cases.
const cases: [string, number, number[], number][] = [
  ["exp", 10, [], 22026.465794806718],
  ["exp", 20, [], 485165195.4097903],
  ["exp", -10, [], 4.5399929762484854e-5],
  ["exp", 0, [], 1],
  ["ln", 10, [], Math.LN10],
  ["ln", 20, [], 2.995732273553991],
  ["ln", 0, [], -INF],
  ["ln", -10, [], NAN],
  ["sqrt", 10, [], 3.1622776601683795],
  ["sqrt", 20, [], 4.47213595499958],
  ["log2", 10, [], 3.3219280948873626],
  ["log2", 20, [], 4.321928094887363],
  ["log2", 0, [], -INF],
  ["log2", -10, [], NAN],
  ["log10", 10, [], 1],
  ["log10", 20, [], 1.301029995663981],
  ["log10", -10, [], NAN],
  ["sin", 10, [], -0.5440211108893699],
  ["sin", 20, [], 0.9129452507276277],
  ["cos", 10, [], -0.8390715290764524],
  ["cos", 20, [], 0.40808206181339196],
  ["tan", 10, [], 0.6483608274590867],
  ["tan", 20, [], 2.2371609442247427],
  ["asin", 10 - 10.1, [], -0.10016742116155944],
  ["asin", 20 - 10.1, [], NAN],
  ["acos", 10 - 10.1, [], 1.670963747956456],
  ["acos", 20 - 10.1, [], NAN],
  ["atan", 10, [], 1.4711276743037345],
  ["atan", 20, [], 1.5208379310729538],
  // The script expects cosh's value for sinh(10); it passes there by its 1e-6 tolerance.
  ["sinh", 10, [], 11013.232874703393],
  ["sinh", 20, [], 2.4258259770489514e8],
  ["cosh", 10, [], 11013.232920103324],
  ["cosh", 20, [], 2.4258259770489514e8],
  ["tanh", 10, [], 0.9999999958776927],
  ["tanh", 20, [], 1],
  ["asinh", 10, [], 2.99822295029797],
  ["asinh", 20, [], 3.6895038689889055],
  ["acosh", 10, [], 2.993222846126381],
  ["acosh", 20, [], 3.6882538673612966],
  ["atanh", 10 - 10.1, [], -0.10033534773107522],
  ["atanh", 20 - 10.1, [], NAN],
  ["rad", 10, [], 0.17453292519943295],
  ["rad", -10, [], -0.17453292519943295],
  ["deg", 10, [], 572.9577951308232],
  ["deg", 20, [], 1145.9155902616465],
  ["sin", NAN, [], NAN],
  ["sgn", -INF, [], -1],
  ["sgn", INF, [], 1],
  ["sgn", NAN, [], NAN],
  ["sgn", -50, [], -1],
  ["sgn", 0, [], 0],
  ["sgn", 100, [], 1],
  ["clamp_max", -50, [75], -50],
  ["clamp_max", 100, [75], 75],
  ["clamp_min", -50, [-25], -25],
  ["clamp_min", 100, [-25], 100],
  ["clamp", -50, [-25, 75], -25],
  ["clamp", 0, [-25, 75], 0],
  ["clamp", 100, [-25, 75], 75],
  ["clamp", 100, [0, NAN], NAN],
  ["clamp", -50, [NAN, 0], NAN],
  ["clamp_min", 1, [NAN], NAN],
  ["clamp_max", 1, [NAN], NAN],
  // 1.005 * 100 is 100.49999999999999 in float64, so Prometheus rounds it down.
  ["round", 1.005, [0.01], 1],
  ["round", 2.345, [0.01], 2.35],
  ["round", 5, [2], 6],
  ["round", -5, [2], -4],
  ["round", 0.15, [0.1], 0.2],
  ["round", 1234, [100], 1200],
  ["round", 7, [NAN], NAN],
];

describe("MATH_FUNCTIONS", () => {
  for (const [name, outputs] of rounding) {
    test(`${name}() handles halves, zeros, infinities and NaN as Prometheus does`, () => {
      for (const [i, v] of INPUTS.entries()) expectClose(MATH_FUNCTIONS[name](v, []), outputs[i]);
    });
  }
  for (const [name, v, params, want] of cases) {
    test(`${name}(${v}${params.map((p) => `, ${p}`).join("")}) gives ${want}`, () => {
      expectClose(MATH_FUNCTIONS[name](v, params), want, 1e-15);
    });
  }
});

describe("mathDropsAll()", () => {
  test("mathDropsAll() is true only for clamp with max below min", () => {
    expect(mathDropsAll("clamp", [5, -5])).toBe(true);
    expect(mathDropsAll("clamp", [-5, 5])).toBe(false);
    expect(mathDropsAll("clamp", [0, NAN])).toBe(false);
    expect(mathDropsAll("clamp_min", [5])).toBe(false);
    expect(mathDropsAll("abs", [])).toBe(false);
  });
});
