import { expect, test } from "bun:test";
import { alignSeries, positiveOnly, stackColumns } from "./align.ts";

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

test("alignSeries() on a step grid leaves a step without points as a gap", () => {
  const cols = alignSeries(
    [
      { timestampsMs: [1000n, 4000n], values: [1, 4] },
      { timestampsMs: [2000n], values: [20] },
    ],
    { startMs: 1000, stepMs: 1000 },
  );
  expect(cols).toEqual([
    [1, 2, 3, 4],
    [1, null, null, 4],
    [null, 20, null, null],
  ]);
});

test("alignSeries() falls back to the union when a point is off the grid", () => {
  const series = [{ timestampsMs: [1000n, 2500n], values: [1, 2] }];
  expect(alignSeries(series, { startMs: 1000, stepMs: 1000 })).toEqual(alignSeries(series));
});

test("stackColumns() adds each series onto those before it and keeps gaps", () => {
  expect(
    stackColumns([
      [1, 2, 3],
      [1, null, 3],
      [10, 20, null],
      [100, 200, 300],
    ]),
  ).toEqual([
    [1, 2, 3],
    [1, null, 3],
    [11, 20, null],
    [111, 220, 303],
  ]);
});

test("positiveOnly() turns zero and negative values into gaps for a log scale", () => {
  expect(
    positiveOnly([
      [1, 2, 3],
      [0, -1, 5],
    ]),
  ).toEqual([
    [1, 2, 3],
    [null, null, 5],
  ]);
});

test("alignSeries() uses a full series' values as its column, with NaN still a gap", () => {
  const values = [1, 2, 3];
  const cols = alignSeries(
    [
      { timestampsMs: [1000n, 2000n, 3000n], values },
      { timestampsMs: [1000n, 2000n, 3000n], values: [1, Number.NaN, 3] },
    ],
    { startMs: 1000, stepMs: 1000 },
  );
  expect(cols[1]).toBe(values);
  expect(cols[2]).toEqual([1, null, 3]);
});
