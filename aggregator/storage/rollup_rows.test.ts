import { describe, expect, test } from "bun:test";
import { rollupColumns, rollupRows, sliceRows } from "./rollup_rows.ts";

/** Rows with window ends `ends` (minutes), `count` samples of values `sum` each, whole or not. */
function rows(ends: number[], sums: number[], whole = true) {
  const c = rollupColumns(ends.length);
  ends.forEach((e, i) => {
    c.ends[i] = e * 60_000;
    c.count[i] = i + 1;
    c.sum[i] = sums[i];
    c.min[i] = c.max[i] = sums[i];
    c.whole[i] = whole ? 1 : 0;
  });
  return rollupRows(["__name__", "x"], ends.length, c);
}

describe("rollupRows()", () => {
  test("totals counts and sums in row order", () => {
    const r = rows([1, 2, 3], [5, -2, 7]);
    expect(Array.from(r.countTotal)).toEqual([0, 1, 3, 6]);
    expect(Array.from(r.sumTotal)).toEqual([0, 5, 3, 10]);
    expect(r.exactTotals).toBe(true);
  });

  // [name, sums, whole, exact]
  const cases: [string, number[], boolean, boolean][] = [
    ["whole small sums", [1, 2, 3], true, true],
    ["a fraction", [0.1, 0.2, 0.3], false, false],
    ["partial sums that may pass 2^53", [2 ** 52, 2 ** 52, 1], true, false],
  ];
  test.each(cases)("marks totals of %s exact or not", (_name, sums, whole, exact) => {
    expect(rows([1, 2, 3], sums, whole).exactTotals).toBe(exact);
  });
});

describe("sumBound", () => {
  test("is Σ count · max(|min|, |max|) where the columns are held", () => {
    // Counts 1, 2, 3 of values 5, -2, 7.
    expect(rows([1, 2, 3], [5, -2, 7]).sumBound).toBe(5 + 2 * 2 + 3 * 7);
    expect(rows([1, 2, 3], [5, -2, 7], false).sumBound).toBe(Number.POSITIVE_INFINITY);
  });

  test("is the bound given where they are not, and one below 2^53 makes sums exact", () => {
    const c = rollupColumns(2, ["ends", "count", "sum"]);
    c.count.set([1, 1]);
    c.sum.set([1, 2]);
    expect(rollupRows([], 2, c).sumBound).toBe(Number.POSITIVE_INFINITY);
    expect(rollupRows([], 2, c).exactTotals).toBe(false);
    expect(rollupRows([], 2, c, 2 ** 53 - 2).exactTotals).toBe(true);
    // 2^53 + 1 added up in doubles comes out as 2^53: not exact.
    expect(rollupRows([], 2, c, 2 ** 53).exactTotals).toBe(false);
  });
});

describe("sliceRows()", () => {
  const r = rows([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]);

  test("keeps the rows ending in the range, totals still subtracting to window sums", () => {
    const s = sliceRows(r, { start: 2 * 60_000, end: 4 * 60_000 });
    expect(s.length).toBe(3);
    expect(Array.from(s.ends)).toEqual([2, 3, 4].map((m) => m * 60_000));
    expect(s.sumTotal[3] - s.sumTotal[0]).toBe(2 + 3 + 4);
    expect(s.countTotal[2] - s.countTotal[1]).toBe(3);
  });

  test("shares the arrays instead of copying them", () => {
    const s = sliceRows(r, { start: 3 * 60_000, end: 9 * 60_000 });
    expect(s.sum.buffer).toBe(r.sum.buffer);
    expect(sliceRows(r, { start: 0, end: 10 * 60_000 })).toBe(r);
  });

  test("gives no rows for a range between ends", () => {
    expect(sliceRows(r, { start: 60_001, end: 119_999 }).length).toBe(0);
  });
});
