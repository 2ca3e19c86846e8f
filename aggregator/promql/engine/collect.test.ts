import { expect, test } from "bun:test";
import { PromQLError } from "../value.ts";
import { mergeSameLabels, put, SeriesCollector, seriesCost } from "./collect.ts";
import { Limits } from "./limits.ts";
import type { StepSeries } from "./types.ts";

function unlimited(): Limits {
  return new Limits(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, undefined);
}

function series(labels: string[], values: (number | null)[]): StepSeries {
  return {
    labels,
    values: Float64Array.from(values, (v) => v ?? 0),
    present: Uint8Array.from(values, (v) => (v === null ? 0 : 1)),
    dropName: false,
  };
}

test("SeriesCollector merges equal labels that never share a step", () => {
  const out = new SeriesCollector(3, unlimited());
  const a = series(["a", "1"], [1, null, null]);
  const b = series(["a", "1"], [null, 2, null]);
  out.add(a.labels, a.values, a.present, false);
  out.add(b.labels, b.values, b.present, true);
  const [merged] = out.finish();
  expect([...merged.values.slice(0, 2)]).toEqual([1, 2]);
  expect([...merged.present]).toEqual([1, 1, 0]);
  expect(merged.dropName).toBe(false);
});

test("SeriesCollector refuses two values for one label set at one step", () => {
  const out = new SeriesCollector(1, unlimited());
  put(out.slot(["a", "1"], false), 0, 1);
  expect(() => put(out.slot(["a", "1"], false), 0, 2)).toThrow(PromQLError);
});

test("SeriesCollector.finish() leaves out series without values, keeping creation order", () => {
  const out = new SeriesCollector(1, unlimited());
  out.slot(["b", "1"], false);
  put(out.slot(["c", "1"], false), 0, 1);
  put(out.slot(["a", "1"], false), 0, 1);
  expect(out.finish().map((s) => s.labels)).toEqual([
    ["c", "1"],
    ["a", "1"],
  ]);
});

test("mergeSameLabels() merges without touching its inputs", () => {
  const a = series(["x", "1"], [1, null]);
  const b = series(["x", "1"], [null, 2]);
  const [merged] = mergeSameLabels([a, b]);
  expect([...merged.values]).toEqual([1, 2]);
  expect([...a.present]).toEqual([1, 0]);
  expect(() => mergeSameLabels([a, series(["x", "1"], [5, null])])).toThrow(
    "vector cannot contain metrics with the same labelset",
  );
});

test("SeriesCollector accounts each series it makes at its whole grid, sparse or not", () => {
  const limits = new Limits(Number.POSITIVE_INFINITY, 1_000_000, undefined);
  const out = new SeriesCollector(10_000, limits);
  // One value at one step, but the values and mask of 10,000 steps, and the labels.
  put(out.slot(["x", "1"], false), 0, 1);
  expect(limits.peak).toBe(seriesCost(["x", "1"], 10_000));
  expect(limits.peak).toBeGreaterThan(5_000);
});

test("SeriesCollector refuses a series past the sample limit before making it", () => {
  const limits = new Limits(Number.POSITIVE_INFINITY, 10_000, undefined);
  const out = new SeriesCollector(10_000, limits);
  put(out.slot(["x", "1"], false), 0, 1);
  expect(() => out.slot(["x", "2"], false)).toThrow(
    "query processing would load too many samples into memory in query execution",
  );
});
