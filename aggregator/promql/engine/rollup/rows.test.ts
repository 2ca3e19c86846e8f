import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALL_TIME } from "../../../storage/parquet/reader.ts";
import { writeRollupFile } from "../../../storage/parquet/rollup.ts";
import { readRollupFiles } from "../../../storage/parquet/rollup_reader.ts";
import { sampleRows } from "../../../storage/parquet/testing.ts";
import { writeMetricsFile } from "../../../storage/parquet/writer.ts";
import { HELD_FIELDS } from "../../../storage/rollup_rows.ts";
import { mergeRows, type Rows, rowsFromSamples, rowsTuning } from "./rows.ts";

const dir = mkdtempSync(join(tmpdir(), "rollup-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/** Row columns as plain arrays, to compare (NaN equals NaN in toEqual). */
function plain(r: Rows) {
  return {
    ...Object.fromEntries(HELD_FIELDS.map((c) => [c, Array.from(r[c].subarray(0, r.length))])),
    countTotal: Array.from(r.countTotal),
  };
}

describe("rowsFromSamples()", () => {
  // [name, times in s, values]
  const cases: [string, number[], number[]][] = [
    ["regular samples with one on a border", [0, 15, 30, 45, 60, 75], [1, 2, 4, 5, 6, 8]],
    ["a reset inside a window and one across", [5, 15, 30, 50, 70], [10, 12.5, 3, 9, 1]],
    ["NaN and infinities", [1, 2, 3, 4, 61, 62], [NAN, 4, NAN, -INF, NAN, 2]],
    ["big whole numbers", [1, 2, 125], [2 ** 53, 2 ** 53 + 2, 3]],
    ["sparse samples", [59, 61, 601], [1, 2, 3]],
  ];
  test.each(cases)("folds %s as the compactor does", async (name, times, values) => {
    const labels = { __name__: "x", job: "a" };
    const raw = join(dir, `${name}.parquet`);
    const out = join(dir, `${name}-1m.parquet`);
    const samples = times.map((t, i) => ({ labels, t: t * 1000, v: values[i] }));
    await writeMetricsFile(sampleRows(samples), raw);
    await writeRollupFile([raw], out, 60_000);
    const [fromFile] = await readRollupFiles([out], ALL_TIME);
    const ts = Float64Array.from(times, (t) => t * 1000);
    expect(plain(rowsFromSamples(ts, Float64Array.from(values), 60_000))).toEqual(plain(fromFile));
  });
});

describe("mergeRows()", () => {
  test("orders rows by window end, then by first sample", () => {
    const a = rowsFromSamples(Float64Array.of(1000, 60_000), Float64Array.of(1, 2), 60_000);
    const b = rowsFromSamples(Float64Array.of(30_000, 61_000), Float64Array.of(3, 4), 60_000);
    const m = mergeRows(a, b);
    expect(Array.from(m.ends)).toEqual([60_000, 60_000, 120_000]);
    expect(Array.from(m.first)).toEqual([1, 3, 4]);
    expect(Array.from(m.last)).toEqual([2, 3, 4]);
  });
});

describe("mergeRows() a column at a time where one side follows the other", () => {
  /** Rows of samples at `times` (s), values from `seed`, a window a minute. */
  function rows(times: number[], seed: number): Rows {
    const vs = Float64Array.from(times, (_, i) => ((i * 7 + seed) % 5) + (seed % 2 ? 0.5 : 0));
    return rowsFromSamples(
      Float64Array.from(times, (t) => t * 1000),
      vs,
      60_000,
    );
  }
  /** Both merges of `a` and `b`, and of `b` and `a`. */
  function both(a: Rows, b: Rows) {
    const merged = (concat: boolean) => {
      rowsTuning.concat = concat;
      try {
        return [plain(mergeRows(a, b)), plain(mergeRows(b, a))];
      } finally {
        rowsTuning.concat = true;
      }
    };
    return { concat: merged(true), reference: merged(false) };
  }
  const cases: [string, number[], number[]][] = [
    ["after", [1, 30, 61, 130], [181, 200, 250]],
    [
      "right after, sharing a window end (the newer first sample second)",
      [1, 30, 61, 100],
      [110, 130],
    ],
    ["sharing a window end with the older first sample second", [1, 50], [10, 55]],
    ["interleaved", [1, 100, 200], [50, 150, 250]],
    ["one row each", [59], [61]],
  ];
  test.each(cases)("%s", (_, ta, tb) => {
    const { concat, reference } = both(rows(ta, 1), rows(tb, 2));
    expect(concat).toEqual(reference);
  });

  test("on random rows", () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 300; k++) {
      const times = Array.from({ length: 2 + Math.floor(next() * 20) }, () =>
        Math.floor(next() * 600),
      );
      const sorted = [...new Set(times)].sort((x, y) => x - y);
      // Split at a random place, or deal them out at random: disjoint samples either way.
      const cut = Math.floor(next() * sorted.length);
      const deal = next() < 0.3;
      const ta = sorted.filter((_, i) => (deal ? next() < 0.5 : i < cut));
      const tb = sorted.filter((t) => !ta.includes(t));
      const { concat, reference } = both(rows(ta, k), rows(tb, k + 1));
      expect(concat).toEqual(reference);
    }
  });
});
