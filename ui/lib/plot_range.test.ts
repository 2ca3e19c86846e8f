import { expect, test } from "bun:test";
import uPlot from "uplot";
import { drawable, linearY, log10Y, logRange, paddedRange, withHardEnds } from "./plot_range.ts";

// A CPU-seconds rate a float's noise either side of 1: uPlot's padding rounds it to [1, 1].
const NOISY_ONE: [number, number] = [0.9999997615814209, 1.000000238418579];

test("uPlot itself collapses values a float's noise apart to an empty range", () => {
  // The reason for this module: over [1, 1] uPlot's tick loop never ends.
  expect(uPlot.rangeNum(...NOISY_ONE, 0.1, true)).toEqual([1, 1]);
  expect(drawable(1, 1)).toBe(false);
});

test("data a float's noise apart is drawn as flat data, padded by its magnitude", () => {
  expect(paddedRange(...NOISY_ONE)).toEqual([0, 2]);
  expect(paddedRange(0.5, 0.5000000001)).toEqual([0, 1]);
  expect(paddedRange(-3, -3)).toEqual([-6, 0]);
  // uPlot ranges all-zero data to [-0, 100].
  expect(paddedRange(0, 0).map((v) => v + 0)).toEqual([0, 100]);
  for (const [lo, hi] of [
    NOISY_ONE,
    [1e14, 1e14 + 0.02],
    [1e-300, 1e-300],
    [2.5e-7, 2.5e-7],
    [1e308, 1e308],
  ])
    expect(drawable(...paddedRange(lo as number, hi as number))).toBe(true);
});

test("data with a real span keeps uPlot's own padding", () => {
  for (const [lo, hi] of [
    [20, 60],
    [5, 5.000001],
    [-1e9, 3],
    [99.99999, 100.0001],
  ]) {
    expect(paddedRange(lo, hi)).toEqual(uPlot.rangeNum(lo, hi, 0.1, true) as [number, number]);
  }
});

test("hard ends win, and a hard end past the data keeps the data's span", () => {
  expect(withHardEnds([0, 110], 0, 100)).toEqual([0, 100]);
  // min 100 above data ranged [0, 11]: the axis shows 100 to 111, not an empty range.
  expect(withHardEnds([0, 11], 100, undefined)).toEqual([100, 111]);
  expect(withHardEnds([10, 20], undefined, 5)).toEqual([-5, 5]);
  // min = max, or min above max: drawn as flat data at min.
  expect(withHardEnds([0, 10], 5, 5)).toEqual([0, 10]);
  expect(withHardEnds([0, 10], 7, 3)).toEqual(paddedRange(7, 7));
  expect(withHardEnds([0, 1], null, null)).toEqual([0, 1]);
});

test("log ranges are positive powers and never empty", () => {
  expect(logRange(3, 700, 10)).toEqual([1, 1000]);
  expect(logRange(3, 700, 10, false)).toEqual(
    uPlot.rangeLog(3, 700, 10, false) as [number, number],
  );
  // rangeLog collapses 1e14 and 1e14 + 0.02 to [1e14, 1e14]: a decade either side instead.
  expect(logRange(1e14, 1e14 + 0.02, 10)).toEqual([1e13, 1e15]);
  expect(logRange(0, 0, 2)[0]).toBeGreaterThan(0);
  for (const [lo, hi] of [NOISY_ONE, [0, 5], [-4, 8], [1e-300, 1e-300]]) {
    const [a, b] = logRange(lo as number, hi as number, 2);
    expect(a > 0 && drawable(a, b)).toBe(true);
  }
});

test("uPlot's range callbacks give no range without data, as uPlot's own do", () => {
  const u = {} as uPlot;
  expect(linearY(u, null, null)).toEqual([null, null]);
  expect(log10Y(u, null, null)).toEqual([null, null]);
  expect(linearY(u, ...NOISY_ONE)).toEqual([0, 2]);
  expect(log10Y(u, 5, 5)).toEqual(logRange(5, 5, 10, false));
});
