import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type ReadOptions, readerTuning, readMetricsFiles } from "./reader.ts";
import { SeriesIntern } from "./series_intern.ts";
import { metricFiles, seriesTexts, syntheticRows } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const files = metricFiles("parquet-intern-");
const { dir, file } = files;
const saved = readerTuning.intern;
afterEach(() => {
  readerTuning.intern = saved;
});
afterAll(files.remove);

/** Every series as text with its samples and hash: what a read must give whatever the path. */
async function read(paths: string[], opts: ReadOptions): Promise<string[]> {
  return seriesTexts(await readMetricsFiles(paths, opts));
}

/** Reads each of `reads` in turn through one fresh intern, and each with none: equal. */
async function expectSameAsReference(reads: [string[], ReadOptions][], intern: SeriesIntern) {
  readerTuning.intern = null;
  const want = [];
  for (const [paths, opts] of reads) want.push(await read(paths, opts));
  readerTuning.intern = intern;
  const got = [];
  for (const [paths, opts] of reads) got.push(await read(paths, opts));
  expect(got).toEqual(want);
}

const all = { start: 0, end: 1e13 };

describe("readMetricsFiles() with the label intern", () => {
  test("reads a file's series as the reference does, the second time from the intern", async () => {
    const path = await file([
      { labels: { __name__: "up", job: "a" }, t: 1000, v: 1 },
      { labels: { __name__: "up", job: "b" }, t: 1000, v: "stale" },
      { labels: { __name__: "req_total", job: "a" }, t: 1000, v: 5 },
    ]);
    const intern = new SeriesIntern();
    await expectSameAsReference(
      [
        [[path], all],
        [[path], all],
        [[path], { ...all, metrics: ["up"] }],
        [[path], { ...all, metrics: ["up"], match: (l) => l.includes("b") }],
      ],
      intern,
    );
    expect(intern.size).toBe(3);
  });

  test("keeps the same labels of two metrics apart", async () => {
    const labels = { instance: "h:9100", job: "node" };
    const one = await file([{ labels: { __name__: "a_total", ...labels }, t: 1000, v: 1 }]);
    const two = await file([{ labels: { __name__: "b_total", ...labels }, t: 1000, v: 2 }]);
    await expectSameAsReference(
      [
        [[one], { ...all, metrics: ["a_total"] }],
        [[two], { ...all, metrics: ["b_total"] }],
        [[one, two], all],
      ],
      new SeriesIntern(),
    );
  });

  test("reads the texts of series it has not seen by hash, and of all when many are new", async () => {
    const paths = [];
    for (const count of [1_000, 1_010, 3_500]) {
      const path = join(dir, `synthetic-${count}.parquet`);
      await writeMetricsFile(syntheticRows(count, 2), path);
      paths.push(path);
    }
    const intern = new SeriesIntern();
    await expectSameAsReference(
      paths.map((p) => [[p], { ...all, metrics: ["requests_total"] }]),
      intern,
    );
    expect(intern.size).toBe(Math.ceil(3_500 / 3));
  });

  test("starts again empty when full, and still reads every series", async () => {
    const path = join(dir, "synthetic-full.parquet");
    await writeMetricsFile(syntheticRows(30, 3), path);
    const intern = new SeriesIntern(4);
    await expectSameAsReference(
      [
        [[path], all],
        [[path], all],
      ],
      intern,
    );
    expect(intern.size).toBeLessThanOrEqual(4);
  });
});

describe("SeriesIntern", () => {
  test("tells apart keys that share their low 53 bits", () => {
    const intern = new SeriesIntern();
    intern.add(7, 0x0020_0001, 1, 2, ["__name__", "a"]);
    expect(intern.get(7, 0x0040_0001, 1, 2)).toBeUndefined();
    expect(intern.get(7, 0x0020_0001, 1, 3)).toBeUndefined();
    expect(intern.get(7, 0x0020_0001, 1, 2)?.labels).toEqual(["__name__", "a"]);
  });
});
