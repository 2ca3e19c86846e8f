import { expect, test } from "bun:test";
import { PromQLError } from "../value.ts";
import { mergeSameLabels, put, SeriesCollector } from "./collect.ts";
import type { StepSeries } from "./types.ts";

function series(labels: string[], values: (number | null)[]): StepSeries {
  return {
    labels,
    values: Float64Array.from(values, (v) => v ?? 0),
    present: Uint8Array.from(values, (v) => (v === null ? 0 : 1)),
    dropName: false,
  };
}

test("SeriesCollector merges equal labels that never share a step", () => {
  const out = new SeriesCollector(3);
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
  const out = new SeriesCollector(1);
  put(out.slot(["a", "1"], false), 0, 1);
  expect(() => put(out.slot(["a", "1"], false), 0, 2)).toThrow(PromQLError);
});

test("SeriesCollector.finish() leaves out series without values, keeping creation order", () => {
  const out = new SeriesCollector(1);
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
