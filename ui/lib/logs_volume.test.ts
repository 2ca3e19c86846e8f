import { expect, test } from "bun:test";
import { cumulativeColumns, stackVolume } from "./logs_volume.ts";

const series = (level: string | null, points: [number, number][]) => ({
  labels: level === null ? [] : [{ name: "level", value: level }],
  timestampsMs: points.map(([t]) => BigInt(t)),
  values: points.map(([, v]) => v),
});

test("stackVolume() puts the most severe level at the bottom and fills missing steps with 0", () => {
  const v = stackVolume([
    series("info", [
      [1000, 5],
      [2000, 7],
    ]),
    series(null, [[2000, 1]]),
    series("ERROR", [[1000, 2]]),
    series("warn", [[3000, 1]]),
  ]);
  expect(v.xs).toEqual([1, 2, 3]);
  expect(v.bands.map((b) => [b.level, b.counts, b.total])).toEqual([
    ["ERROR", [2, 0, 0], 2],
    ["warn", [0, 0, 1], 1],
    ["info", [5, 7, 0], 12],
    ["(none)", [0, 1, 0], 1],
  ]);
  expect(v.bands[0].color).toBe("#e03131");
});

test("cumulativeColumns() stacks the bands, tallest first", () => {
  const v = stackVolume([series("error", [[1000, 2]]), series("info", [[1000, 3]])]);
  expect(cumulativeColumns(v)).toEqual([[1], [5], [2]]);
});
