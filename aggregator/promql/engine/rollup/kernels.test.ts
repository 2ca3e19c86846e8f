import { describe, expect, test } from "bun:test";
import { copyRows, readFields, rollupColumns, rollupRows } from "../../../storage/rollup_rows.ts";
import { RANGE_FUNCTIONS } from "../../functions/range.ts";
import { exactRows, ROW_FIELDS, ROW_KERNELS } from "./kernels.ts";
import { rowsFromSamples } from "./rows.ts";

const STEP = 60_000;

/** Samples every 15 s from 15 s on (none on a window border). */
function series(values: number[]) {
  const ts = Float64Array.from(values, (_, i) => (i + 1) * 15_000);
  return {
    ts,
    vs: Float64Array.from(values),
    rows: rowsFromSamples(ts, Float64Array.from(values), STEP),
  };
}

/** The sample kernel's and the row kernel's answers over the window (0, end]. */
function both(fn: string, values: number[], end: number) {
  const s = series(values);
  const hi = s.ts.findLastIndex((t) => t <= end) + 1;
  const w = { ts: s.ts, vs: s.vs, lo: 0, hi, start: 0, end, isCounter: true };
  const b = s.rows.ends.findLastIndex((e) => e <= end) + 1;
  const rw = { rows: s.rows, a: 0, b, start: 0, end };
  return {
    samples: RANGE_FUNCTIONS[fn](w, []),
    rows: ROW_KERNELS[fn](rw),
    exact: exactRows(fn, s.rows),
  };
}

describe("exactRows()", () => {
  // [function, values, exact]
  const cases: [string, number[], boolean][] = [
    ["max_over_time", [0.1, Number.NaN, 3], true],
    ["sum_over_time", [1, 2, 3, 4, 5, 6, 7, 8], true],
    ["sum_over_time", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], false],
    ["sum_over_time", [2 ** 52, 2 ** 52, 1, 1, 2 ** 52, 2 ** 52, 1, 1], false],
    ["rate", [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], true],
    ["rate", [1, 5, 2, 7, 3, 9, 4, 11], true],
    ["rate", [1.5, 5, 2, 7, 3, 9, 4, 11], false],
    // One reset: (last − first) + the value dropped from, as the samples add it.
    ["increase", [10, 20, 30, 40, 0.5, 1.5, 2.5, 3.5], true],
    ["increase", [10.5, 20, 0.5, 40, 0.5, 1.5, 2.5, 3.5], false],
    ["avg_over_time", [1, 2, 3, 4], false],
  ];
  test.each(cases)("%s over %p is exact: %p", (fn, values, exact) => {
    expect(exactRows(fn, series(values).rows)).toBe(exact);
  });

  test("a counter's rows read without min, max and whole are exact by their sumBound", () => {
    // Whole numbers, a reset every other sample: exact only as small whole numbers.
    const { rows } = series([1, 5, 2, 7, 3, 9, 4, 11]);
    const fields = readFields(ROW_FIELDS.rate);
    expect(fields).not.toContain("min");
    const cols = rollupColumns(rows.length, fields);
    copyRows(cols, 0, rows, 0, rows.length, fields);
    expect(exactRows("rate", rollupRows([], rows.length, cols, rows.sumBound))).toBe(true);
    expect(exactRows("rate", rollupRows([], rows.length, cols))).toBe(false);
  });

  test("fractional resets are exact where no window holds two of them", () => {
    // Drops at 30 s (inside the first minute's row) and between the third and fourth rows.
    const values = [10.5, 20.25, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 1.5, 2.5];
    const { rows } = series(values);
    expect(exactRows("rate", rows, 60_000)).toBe(true);
    expect(exactRows("rate", rows, 180_000)).toBe(true);
    expect(exactRows("rate", rows, 180_001)).toBe(false);
    expect(exactRows("rate", rows)).toBe(false);
  });

  test("with one reset a window, rows answer a fractional counter as its samples do", () => {
    const values = [10.1, 20.7, 30.3, 40.9, 0.3, 1.7, 2.9, 3.1];
    const { samples, rows, exact } = both("increase", values, 120_000);
    expect(exact).toBe(true);
    expect(rows).toBe(samples as number);
  });
});

describe("ROW_KERNELS", () => {
  // [function, values, window end]: rows that are exact answer as the samples do.
  const cases: [string, number[], number][] = [
    ["rate", [1, 5, 2, 7, 3, 9, 4, 11], 120_000],
    ["increase", [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], 120_000],
    ["resets", [1, 5, 2, 7, 3, 9, 4, 11], 120_000],
    ["max_over_time", [Number.NaN, 2, 7, Number.NaN, 1, 7], 120_000],
    ["min_over_time", [Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, -3], 120_000],
    ["count_over_time", [1, 2, 3, 4, 5], 120_000],
    ["last_over_time", [1, 2, 3, 4, 5], 60_000],
    ["sum_over_time", [3, -7, 11, 2, 5, 8], 120_000],
  ];
  test.each(cases)("%s over %p answers as over the samples", (fn, values, end) => {
    const { samples, rows, exact } = both(fn, values, end);
    expect(exact).toBe(true);
    expect(rows).toBe(samples as number);
  });

  test("a sum whose rows are not exact differs, which is why such series are read raw", () => {
    // Prometheus's compensated sum finds 2 where a sum of window sums loses the ones.
    const { samples, rows, exact } = both(
      "sum_over_time",
      [1, 1e100, 0, 0, 1, -1e100, 0, 0],
      120_000,
    );
    expect([samples, rows, exact]).toEqual([2, 0, false]);
  });
});

describe("ROW_FIELDS", () => {
  test("names the fields of every row kernel", () => {
    expect(Object.keys(ROW_FIELDS).sort()).toEqual(Object.keys(ROW_KERNELS).sort());
  });
});
