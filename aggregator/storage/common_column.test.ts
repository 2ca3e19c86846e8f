import { describe, expect, test } from "bun:test";
import { CommonColumn } from "./common_column.ts";

/**
 * Series given as their rows, placed in segments of `segment` rows in the order a scan of
 * day files meets them (each series' first segment, then each one's second, …), into a read
 * holding them one after another.
 */
function place(
  series: number[][],
  segment: number,
  kind: typeof Float64Array | typeof Int32Array = Float64Array,
) {
  const starts: number[] = [];
  let total = 0;
  for (const s of series) {
    starts.push(total);
    total += s.length;
  }
  const longest = Math.max(...series.map((s) => s.length));
  const column = new CommonColumn<Float64Array | Int32Array>(kind, total, longest, series.length);
  for (let row = 0; row < longest; row += segment) {
    series.forEach((s, i) => {
      const n = Math.min(segment, s.length - row);
      if (n <= 0) return;
      // Each segment in a chunk of its own, after a value that is not its series'.
      const src = kind.from([-1, ...s.slice(row, row + n)]);
      column.place(i, starts[i], row, src, 1, n);
    });
  }
  const values = series.map((s, i) => column.values(i, starts[i], s.length));
  return { column, values };
}

/** Each series' rows as placed, and whether it shares the common ones. */
function read(series: number[][], segment = 3, kind?: typeof Float64Array | typeof Int32Array) {
  const { column, values } = place(series, segment, kind);
  return {
    values: values.map((v) => Array.from(v)),
    shares: series.map((_, i) => column.shares(i)),
  };
}

describe("CommonColumn", () => {
  test("keeps rows that series hold alike once, a pattern for each way they part", () => {
    const ends = [1, 2, 3, 4, 5, 6, 7];
    // The first to come misses a row: the others part from the pattern it brought there.
    const series = [[1, 2, 3, 4, 9, 10, 11], ends, [2, 3, 4], ends, ends.slice(0, 5)];
    const { values, shares } = read(series);
    expect(values).toEqual(series);
    expect(shares).toEqual([true, true, true, true, true]);
    const { values: views } = place(series, 3);
    expect(new Set(views.map((v) => v.buffer)).size).toBe(3);
    expect(views[1].buffer).toBe(views[3].buffer);
    expect(views[1].buffer).toBe(views[4].buffer);
  });

  test("gives each series its rows of its own once the patterns' room is spent", () => {
    // Eight series of four rows: room for four patterns (the fewest a read has).
    const series = [1, 2, 3, 4, 5, 6, 1, 1].map((first) => [first, 0, 0, 0]);
    series[7] = [1, 0, 5, 0];
    const { values, shares } = read(series, 2);
    expect(values).toEqual(series);
    expect(shares).toEqual([true, true, true, true, false, false, true, false]);
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
    // The third parts from the first's pattern at its third row, and has one of its own.
    expect(Array.from(column.commonTotal(2, 3) ?? [])).toEqual([0, 12, 24, 36]);
  });

  test("keeps one pattern a first value: the ages of targets scraped at other offsets", () => {
    // Sixty-four series of four rows: room for eight patterns (an eighth of the rows).
    const early = [15, 15, 15, 15];
    const late = [45, 45, 45, 45];
    const series = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? early : late));
    series[5] = [45, 45, 30, 45];
    for (let i = 0; i < 7; i++) series[10 + i] = [i, i, i, i];
    const { values, shares } = read(series, 2, Int32Array);
    expect(values).toEqual(series);
    // Two patterns and six more first values fill the room (every series' first two rows come
    // before any series' last two): the seventh first value finds none, nor does the fifth
    // series where it parts from the second pattern.
    expect(shares.map((s, i) => (s ? "" : i)).filter((i) => i !== "")).toEqual([5, 16]);
    const { values: views } = place(series, 2, Int32Array);
    expect(views.every((v) => v instanceof Int32Array)).toBe(true);
    // Series of one pattern share its values.
    expect(views[0].buffer).toBe(views[2].buffer);
    expect(views[1].buffer).toBe(views[3].buffer);
    expect(views[0].buffer).not.toBe(views[1].buffer);
  });
});
