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
import { mergeRows, type Rows, rowsFromSamples } from "./rows.ts";

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
