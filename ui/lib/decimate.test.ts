import { expect, test } from "bun:test";
import type { Columns } from "./align.ts";
import { decimate } from "./decimate.ts";

test("decimate() keeps each run's lowest and highest value in order, at the run's first and last time", () => {
  const cols: Columns = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    [5, 1, 9, 3, 7, 7, 7, 7, 2, 8, 0, 4],
    [null, null, null, null, 1, null, 3, null, 9, 8, 7, 6],
  ];
  const d = decimate(cols, 3)!;
  expect(d.cols).toEqual([
    [0, 3, 4, 7, 8, 11],
    [1, 9, 7, 7, 8, 0],
    [null, null, 1, 3, 9, 6],
  ]);
  expect([...d.index]).toEqual([0, 3, 4, 7, 8, 11]);
});

test("decimate() leaves columns with at most two points per pixel alone", () => {
  const cols: Columns = [
    [0, 1, 2, 3],
    [1, 2, 3, 4],
  ];
  expect(decimate(cols, 2)).toBeNull();
  expect(decimate(cols, 100)).toBeNull();
});

test("decimate() keeps every series' envelope: each run's extremes survive", () => {
  const n = 11_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = Array.from({ length: n }, (_, i) => Math.sin(i / 50) * 100 + (i % 7));
  const d = decimate([xs, ys], 1200)!;
  const thin = d.cols[1] as number[];
  expect(Math.max(...thin)).toBe(Math.max(...ys));
  expect(Math.min(...thin)).toBe(Math.min(...ys));
  expect(thin.length).toBeLessThanOrEqual(2 * 1200 + 2);
  for (let j = 0; j < thin.length; j++) expect(d.cols[0][j]).toBe(xs[d.index[j]]);
});
