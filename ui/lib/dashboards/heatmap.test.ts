/**
 * Heatmap grids from Prometheus buckets: rows by `le` ascending (+Inf last), cumulative counts
 * turned into each bucket's own (Grafana's heatmap format), and the exponential colour scale.
 */
import { describe, expect, test } from "bun:test";
import { heatmapGrid, scalePosition } from "./heatmap.ts";
import type { SeriesFrame } from "./types.ts";

const b = (le: string, values: (number | null)[]): SeriesFrame => ({
  refId: "A",
  name: le,
  labels: { le },
  times: values.map((_, i) => i),
  values,
});

describe("heatmapGrid()", () => {
  test("orders buckets by bound and de-accumulates", () => {
    const g = heatmapGrid([b("+Inf", [10, 12]), b("0.5", [7, 7]), b("0.1", [2, 3])]);
    expect(g.buckets).toEqual(["0.1", "0.5", "+Inf"]);
    expect(g.cells).toEqual([
      [2, 3],
      [5, 4],
      [3, 5],
    ]);
    expect([g.min, g.max]).toEqual([2, 5]);
  });

  test("keeps counts as they are when not cumulative, gaps as null", () => {
    const g = heatmapGrid([b("1", [1, null]), b("2", [4, 4])], false);
    expect(g.cells).toEqual([
      [1, null],
      [4, 4],
    ]);
  });

  test("series without le are rows in their order", () => {
    const g = heatmapGrid([
      { ...b("x", [1]), labels: {} },
      { ...b("y", [2]), labels: {} },
    ]);
    expect(g.buckets).toEqual(["x", "y"]);
    expect(g.cells).toEqual([[1], [2]]);
  });
});

describe("scalePosition()", () => {
  test("is linear without an exponent and a power with one", () => {
    expect(scalePosition(25, 0, 100)).toBe(0.25);
    expect(scalePosition(25, 0, 100, 0.5)).toBe(0.5);
    expect(scalePosition(5, 5, 5)).toBe(1);
  });
});
