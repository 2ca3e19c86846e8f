/**
 * Reducers against Grafana's `reduceField` results for the same values
 * (fieldReducer.test.ts in grafana-data): nulls are counted by `count` but skipped by the
 * rest, `delta` treats a drop as a counter reset, `diff` is last non-null minus first non-null.
 */
import { describe, expect, test } from "bun:test";
import { reduce, reducerName } from "./reduce.ts";

const values = [null, 1, 3, null, 2, 5, null];

describe("reduce()", () => {
  test.each([
    ["lastNotNull", 5],
    ["last", null],
    ["first", null],
    ["firstNotNull", 1],
    ["mean", 11 / 4],
    ["max", 5],
    ["min", 1],
    ["sum", 11],
    ["count", 7],
    ["range", 4],
    // 1→3 (+2), 3→2 is a reset (+0), then the rise to 5 adds the whole 5
    ["delta", 7],
    ["diff", 4],
    ["logmin", 1],
    ["changeCount", 6],
    ["distinctCount", 5],
    ["allIsNull", 0],
    ["current", 5],
    ["avg", 11 / 4],
    ["nonsense", null],
  ] as const)("%p of the values is %p", (calc, out) => {
    expect(reduce(values, calc)).toBe(out);
  });

  test("allIsNull is 1 and extremes null for a series of gaps", () => {
    expect(reduce([null, null], "allIsNull")).toBe(1);
    expect(reduce([null, null], "max")).toBeNull();
    expect(reduce([null, null], "mean")).toBeNull();
    expect(reduce([], "count")).toBe(0);
  });

  test.each([
    [[1, 3, 2, 5], 7],
    [[5, 3, 1, 2], 2],
    [[5, 1], 1],
    [[1, null, 4], 3],
  ])("delta of %p is %p (Grafana's doStandardCalcs)", (vals, out) => {
    expect(reduce(vals, "delta")).toBe(out);
  });

  test("logmin skips zero and negatives", () => {
    expect(reduce([-3, 0, 0.5, 2], "logmin")).toBe(0.5);
  });

  test("NaN is a gap", () => {
    expect(reduce([1, Number.NaN], "lastNotNull")).toBe(1);
  });

  test("reducerName() gives Grafana's legend headers", () => {
    expect(reducerName("lastNotNull")).toBe("Last *");
    expect(reducerName("sum")).toBe("Total");
    expect(reducerName("avg")).toBe("Mean");
  });
});
