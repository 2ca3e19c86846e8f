import { describe, expect, test } from "bun:test";
import { CommonColumn } from "./common_column.ts";

/**
 * Series given as their rows, placed in segments of `segment` rows in the order a scan of
 * day files meets them (each series' first segment, then each one's second, …), into a read
 * holding them one after another.
 */
function place(series: number[][], segment: number) {
  const starts: number[] = [];
  let total = 0;
  for (const s of series) {
    starts.push(total);
    total += s.length;
  }
  const longest = Math.max(...series.map((s) => s.length));
  const column = new CommonColumn(total, longest, series.length);
  for (let row = 0; row < longest; row += segment) {
    series.forEach((s, i) => {
      const n = Math.min(segment, s.length - row);
      if (n <= 0) return;
      // Each segment in a chunk of its own, after a value that is not its series'.
      const src = Float64Array.from([-1, ...s.slice(row, row + n)]);
      column.place(i, starts[i], row, src, 1, n);
    });
  }
  const values = series.map((s, i) => column.values(i, starts[i], s.length));
  return { column, values };
}

/** Each series' rows as placed, and whether it shares the common ones. */
function read(series: number[][], segment = 3) {
  const { column, values } = place(series, segment);
  return {
    values: values.map((v) => Array.from(v)),
    shares: series.map((_, i) => column.shares(i)),
  };
}

describe("CommonColumn", () => {
  test("keeps rows that series hold alike once, and gives each series its own otherwise", () => {
    const ends = [1, 2, 3, 4, 5, 6, 7];
    const series = [ends, ends, [1, 2, 3, 4, 9, 10, 11], ends.slice(0, 5), [2, 3, 4]];
    const { values, shares } = read(series);
    expect(values).toEqual(series);
    expect(shares).toEqual([true, true, false, true, false]);
  });

  test("takes the longest series' rows as they come, whichever series brings them", () => {
    const series = [
      [1, 2],
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4],
      [1, 2, 3, 4, 5, 6, 7, 8],
    ];
    const { values, shares } = read(series, 2);
    expect(values).toEqual(series);
    expect(shares).toEqual([true, true, true, true]);
  });

  test("tells apart values that compare equal but are not the same: NaN, and 0 from −0", () => {
    const series = [
      [0, 1, Number.NaN],
      [0, 1, Number.NaN],
      [-0, 1, 2],
    ];
    const { values, shares } = read(series, 1);
    expect(Object.is(values[2][0], -0)).toBe(true);
    expect(values[0][2]).toBeNaN();
    expect(values[1][2]).toBeNaN();
    // The first brings the common rows, NaN included; the others cannot be told equal to them.
    expect(shares).toEqual([true, false, false]);
  });

  test("gives a series that differs mid-segment the common rows before, then its own", () => {
    const series = [
      [10, 20, 30, 40, 50, 60],
      [10, 20, 30, 40, 55, 60],
    ];
    expect(read(series, 6).values).toEqual(series);
    expect(read(series, 4).values).toEqual(series);
  });

  test("totals the common rows once, for the series that share them", () => {
    const counts = [12, 12, 11, 12, 13];
    const { column } = place([counts, counts.slice(0, 3), [12, 12, 12]], 2);
    expect(Array.from(column.commonTotal(0, 5) ?? [])).toEqual([0, 12, 24, 35, 47, 60]);
    expect(Array.from(column.commonTotal(1, 3) ?? [])).toEqual([0, 12, 24, 35]);
    expect(column.commonTotal(2, 3)).toBeNull();
  });
});
