/**
 * −0 is a sample value like any other (PromQL prints it as "-0" and 1/x tells it from 0), but
 * it compares equal to 0: a Parquet dictionary keyed by value equality stores both as one
 * entry. Every path that writes or folds values must keep the sign through to the reader.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeFiles } from "./parquet/compact.ts";
import { hasNegativeZero } from "./parquet/negative_zero.ts";
import { ALL_TIME, readMetricsFiles } from "./parquet/reader.ts";
import { writeRollupFile } from "./parquet/rollup.ts";
import { readRollupFiles } from "./parquet/rollup_reader.ts";
import { queryRows, sampleRows, type TestSample } from "./parquet/testing.ts";
import { writeMetricsFile } from "./parquet/writer.ts";

const dir = mkdtempSync(join(tmpdir(), "negative-zero-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = () => join(dir, `f${n++}.parquet`);

const g = { __name__: "g", job: "x" };
const h = { __name__: "g", job: "y" };
// Few distinct values: the writer dictionary-encodes such a chunk.
const samples: TestSample[] = [
  { labels: g, t: 1_000, v: 0 },
  { labels: g, t: 2_000, v: -0 },
  { labels: g, t: 3_000, v: 1 },
  { labels: g, t: 61_000, v: -0 },
  { labels: h, t: 1_000, v: -0 },
  { labels: h, t: 2_000, v: 0 },
];
const signs = (vs: ArrayLike<number>) => Array.from(vs, (v) => (Object.is(v, -0) ? "-0" : v));

describe("negative zero", () => {
  test("a raw file keeps −0 and 0 apart in one dictionary-sized chunk", async () => {
    const p = path();
    await writeMetricsFile(sampleRows(samples), p);
    const read = await readMetricsFiles([p], ALL_TIME);
    expect(read.map((s) => signs(s.values))).toEqual([
      [0, "-0", 1, "-0"],
      ["-0", 0],
    ]);
  });

  test("a merged file keeps −0 and 0 apart", async () => {
    const a = path();
    const b = path();
    await writeMetricsFile(sampleRows(samples.slice(0, 3)), a);
    await writeMetricsFile(sampleRows(samples.slice(3)), b);
    const out = path();
    await mergeFiles([a, b], out);
    const read = await readMetricsFiles([out], ALL_TIME);
    expect(read.map((s) => signs(s.values))).toEqual([
      [0, "-0", 1, "-0"],
      ["-0", 0],
    ]);
  });

  test.each([1, 2])(
    "a rollup of %i raw files keeps the sign of zero extremes, firsts and lasts",
    async (files) => {
      const raws = [path(), path()];
      await writeMetricsFile(sampleRows(files === 1 ? samples : samples.slice(0, 3)), raws[0]);
      await writeMetricsFile(sampleRows(samples.slice(3)), raws[1]);
      const out = path();
      await writeRollupFile(raws.slice(0, files === 1 ? 1 : 2), out, 60_000);
      const rows = await readRollupFiles([out], ALL_TIME);
      const pick = (i: number) => [
        signs(rows[i].min),
        signs(rows[i].max),
        signs(rows[i].first),
        signs(rows[i].last),
      ];
      // g: window 60 s holds 0, −0, 1; window 120 s holds −0. h: window 60 s holds −0, 0.
      expect(pick(0)).toEqual([
        [0, "-0"],
        [1, "-0"],
        [0, "-0"],
        [1, "-0"],
      ]);
      expect(pick(1)).toEqual([["-0"], ["-0"], ["-0"], [0]]);
    },
  );

  test("a file without −0 keeps its dictionaries", async () => {
    const p = path();
    await writeMetricsFile(
      sampleRows(samples.map((x) => ({ ...x, v: Math.abs(x.v as number) }))),
      p,
    );
    const enc = await queryRows(
      `SELECT encodings FROM parquet_metadata('${p}') WHERE path_in_schema = 'value'`,
    );
    expect(String(enc[0][0])).toContain("DICTIONARY");
  });

  test("hasNegativeZero() tells −0 from 0, NaN and a staleness marker", () => {
    const words = (vs: number[]) => new Uint32Array(Float64Array.from(vs).buffer);
    expect(hasNegativeZero(words([0, 1, Number.NaN, -1]), 4)).toBe(false);
    expect(hasNegativeZero(words([0, 1, -0]), 3)).toBe(true);
    expect(hasNegativeZero(words([0, 1, -0]), 2)).toBe(false);
  });
});
