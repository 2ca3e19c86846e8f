/**
 * The reader's two ways of taking samples out of DuckDB (`readerTuning.flatRunMax`): a sample
 * a row, materialized (sparse series, the default), held to runs as DuckDB lists, streamed
 * (dense series, and every read of the reader before it). Every read here must give the same series, hashes, times and value bits.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { random } from "../../../test/harness/random.ts";
import { scanTuning } from "./chunks.ts";
import { type ReadOptions, readerStats, readerTuning, readMetricsFiles } from "./reader.ts";
import { metricFiles, seriesTexts, syntheticRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const files = metricFiles("parquet-rows-");
const { dir, file } = files;
const saved = readerTuning.flatRunMax;
afterEach(() => {
  readerTuning.flatRunMax = saved;
});
afterAll(files.remove);

async function read(paths: string[], opts: ReadOptions): Promise<string[]> {
  return seriesTexts(await readMetricsFiles(paths, opts));
}

async function expectSameBothWays(paths: string[], opts: ReadOptions): Promise<string[]> {
  readerTuning.flatRunMax = 0;
  const want = await read(paths, opts);
  readerTuning.flatRunMax = Number.POSITIVE_INFINITY;
  const got = await read(paths, opts);
  expect(got).toEqual(want);
  // A sample a row again, through the binding instead of DuckDB's C API.
  scanTuning.direct = false;
  try {
    expect(await read(paths, opts)).toEqual(want);
  } finally {
    scanTuning.direct = true;
  }
  return got;
}

/**
 * A file of `series` series of two metrics over [from, from + span), samples at random steps,
 * with staleness markers, NaN, −0 and repeated values among them.
 */
async function randomFile(next: () => number, series: number, from: number, span: number) {
  const samples: TestSample[] = [];
  for (let s = 0; s < series; s++) {
    const labels = { __name__: s % 2 ? "up" : "req_total", job: `j${s % 5}`, pod: `p${s}` };
    for (
      let t = from + Math.floor(next() * 5_000);
      t < from + span;
      t += 1 + Math.floor(next() * 30_000)
    ) {
      const r = next();
      const v = r < 0.05 ? "stale" : r < 0.08 ? Number.NaN : r < 0.1 ? -0 : Math.round(r * 1e3) / 7;
      samples.push({ labels, t, v });
    }
  }
  return file(samples);
}

const all = { start: 0, end: 1e13 };

describe("readMetricsFiles(): a sample a row, as the lists read it", () => {
  test.each([1, 2, 3, 4, 5])(
    "files in time order, overlapping, and listed out of order (seed %d)",
    async (seed) => {
      const next = random(seed);
      const hour = 3_600_000;
      const paths = [
        await randomFile(next, 40, 0, hour),
        await randomFile(next, 35, hour, hour),
        // Overlaps the hour before: the same times from two files, the later file wins.
        await randomFile(next, 30, hour + hour / 2, hour),
      ];
      await expectSameBothWays(paths, all);
      await expectSameBothWays([paths[1], paths[0], paths[2]], all);
      await expectSameBothWays(paths, { ...all, metrics: ["up"] });
      await expectSameBothWays(paths, { start: hour / 3, end: 2 * hour, metrics: ["req_total"] });
      await expectSameBothWays(paths, { ...all, match: (l) => l.includes("j3") });
    },
    20_000,
  );

  test("one series ending a file and starting the next, a time in both", async () => {
    const x = { __name__: "up", job: "x" };
    const a = await file([
      { labels: x, t: 1000, v: 1 },
      { labels: x, t: 2000, v: 1 },
    ]);
    const b = await file([
      { labels: x, t: 2000, v: 2 },
      { labels: x, t: 3000, v: "stale" },
    ]);
    const got = await expectSameBothWays([a, b], all);
    expect(got[0]).toContain(" 1000,2000,3000 ");
    await expectSameBothWays([b, a], all);
  });

  test("series longer than a result chunk (2,048 rows) and than a run of the lists (32,768)", async () => {
    const rows = syntheticRows(3, 40_000);
    const path = join(dir, "long.parquet");
    await writeMetricsFile(rows, path);
    const got = await expectSameBothWays([path], all);
    expect(got).toHaveLength(3);
  });

  test("files in time order are read without a series read again, whole or named", async () => {
    const next = random(7);
    const hour = 3_600_000;
    const paths = [
      await randomFile(next, 30, 0, hour),
      await randomFile(next, 30, hour, hour),
      await randomFile(next, 30, 2 * hour, hour),
    ];
    for (const opts of [
      all,
      { ...all, metrics: ["up"] },
      { ...all, match: (l: string[]) => l.includes("j3") },
    ]) {
      const before = readerStats.refilled;
      await expectSameBothWays(paths, opts as ReadOptions);
      expect(readerStats.refilled - before).toBe(0);
    }
  });

  test("staleness markers and NaN on either side of chunk and byte boundaries", async () => {
    const labels = { __name__: "up", job: "edge" };
    const stale = new Set([0, 7, 8, 15, 16, 63, 64, 2046, 2047, 2048, 2049, 4095, 4096, 4999]);
    const samples: TestSample[] = [];
    for (let i = 0; i < 5_000; i++) {
      const v = stale.has(i) ? "stale" : i % 1_000 === 500 ? Number.NaN : i;
      samples.push({ labels, t: 1_000 * (i + 1), v });
    }
    const got = await expectSameBothWays([await file(samples)], all);
    expect(got).toHaveLength(1);
  });

  test("many series of which a few are chosen (named in the query)", async () => {
    const rows = syntheticRows(600, 20);
    const path = join(dir, "many.parquet");
    await writeMetricsFile(rows, path);
    const got = await expectSameBothWays([path], {
      ...all,
      metrics: ["requests_total"],
      match: (l) => l.includes("job-3"),
    });
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(200);
  });
});
