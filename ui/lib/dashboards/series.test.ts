/**
 * Stacking as Grafana's `custom.stacking`: normal adds series in order within a group and mode,
 * percent divides by the group's total (0–1); negative-Y flips a series; log scales drop ≤ 0.
 */
import { describe, expect, test } from "bun:test";
import { alignFrames, drawnColumns, type SeriesTransform, stackPairs } from "./series.ts";

const t = (over: Partial<SeriesTransform> = {}): SeriesTransform => ({
  stacking: "none",
  group: "A",
  negative: false,
  log: false,
  ...over,
});

describe("alignFrames()", () => {
  test("aligns series on the union of their times, gaps as null", () => {
    const a = alignFrames([
      { times: [1, 2], values: [10, Number.NaN] },
      { times: [2, 3], values: [5, 6] },
    ]);
    expect(a).toEqual({
      times: [1, 2, 3],
      columns: [
        [10, null, null],
        [null, 5, 6],
      ],
    });
  });
});

describe("drawnColumns()", () => {
  const cols = [
    [1, 2, null],
    [3, 4, 5],
    [10, 10, 10],
  ];

  test("normal stacking adds within a group, leaves other groups and gaps alone", () => {
    const out = drawnColumns(cols, [
      t({ stacking: "normal" }),
      t({ stacking: "normal" }),
      t({ stacking: "normal", group: "B" }),
    ]);
    expect(out).toEqual([
      [1, 2, null],
      [4, 6, 5],
      [10, 10, 10],
    ]);
  });

  test("percent stacking ends at 1 for the group", () => {
    const out = drawnColumns(cols.slice(0, 2), [
      t({ stacking: "percent" }),
      t({ stacking: "percent" }),
    ]);
    expect(out[0]).toEqual([0.25, 2 / 6, null]);
    expect(out[1]).toEqual([1, 1, 1]);
  });

  test("negative-Y flips and log drops values at or below zero", () => {
    expect(drawnColumns([[2, -1]], [t({ negative: true })])).toEqual([[-2, 1]]);
    expect(drawnColumns([[0, 5]], [t({ log: true })])).toEqual([[null, 5]]);
  });

  test("stackPairs() pairs each stacked series with the one below it in its group", () => {
    expect(
      stackPairs([
        t({ stacking: "normal" }),
        t(),
        t({ stacking: "normal" }),
        t({ stacking: "normal", group: "B" }),
      ]),
    ).toEqual([[2, 0]]);
  });
});
