import { expect, test } from "bun:test";
import { alignSeries } from "./align.ts";

test("alignSeries() puts every series on the union of timestamps, with gaps as null", () => {
  const cols = alignSeries([
    { timestampsMs: [1000n, 2000n, 3000n], values: [1, 2, 3] },
    { timestampsMs: [2000n, 4000n], values: [20, 40] },
  ]);
  expect(cols).toEqual([
    [1, 2, 3, 4],
    [1, 2, 3, null],
    [null, 20, null, 40],
  ]);
});

test("alignSeries() turns NaN and infinities into gaps, which uPlot cannot draw", () => {
  const cols = alignSeries([
    { timestampsMs: [1000n, 2000n, 3000n], values: [Number.NaN, Infinity, 5] },
  ]);
  expect(cols[1]).toEqual([null, null, 5]);
});
