import { describe, expect, test } from "bun:test";
import { formatFloatF, formatGoFloat, formatLabelsGo, formatOpenMetricsFloat } from "./format.ts";

describe("formatGoFloat()", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [1, "1"],
    [1.1, "1.1"],
    [-1.1, "-1.1"],
    [123456, "123456"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e100, "1e+100"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
  ];
  for (const [input, want] of cases) {
    test(`prints ${input} as Go's %g does: ${want}`, () => {
      expect(formatGoFloat(input)).toBe(want);
    });
  }
});

describe("formatFloatF()", () => {
  const cases: [number, string][] = [
    [6, "6"],
    [0.5, "0.5"],
    [1e21, "1000000000000000000000"],
    [1.5e-7, "0.00000015"],
    [-2.25, "-2.25"],
    [Number.NaN, "NaN"],
  ];
  for (const [input, want] of cases) {
    test(`prints ${input} without an exponent: ${want}`, () => {
      expect(formatFloatF(input)).toBe(want);
    });
  }
});

describe("formatOpenMetricsFloat()", () => {
  const cases: [number, string][] = [
    [1, "1.0"],
    [0, "0.0"],
    [0.25, "0.25"],
    [1e6, "1e+06"],
    [Number.POSITIVE_INFINITY, "+Inf"],
  ];
  for (const [input, want] of cases) {
    test(`prints ${input} keeping a decimal point: ${want}`, () => {
      expect(formatOpenMetricsFloat(input)).toBe(want);
    });
  }
});

test("formatLabelsGo() prints a label set as Prometheus's Labels.String()", () => {
  expect(formatLabelsGo(["__name__", "up", "job", 'a"b'])).toBe('{__name__="up", job="a\\"b"}');
  expect(formatLabelsGo([])).toBe("{}");
});
