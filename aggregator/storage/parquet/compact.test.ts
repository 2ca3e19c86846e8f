import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeFiles } from "./compact.ts";
import { mergedRowGroup, RAW_ROW_GROUP } from "./schema.ts";
import { fileRows, queryRows, sampleRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "parquet-compact-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function file(samples: TestSample[]): Promise<string> {
  const p = join(dir, `in${n++}.parquet`);
  await writeMetricsFile(sampleRows(samples), p);
  return p;
}

const a = { __name__: "m", i: "a" };
const b = { __name__: "m", i: "b" };
const z = { __name__: "z" };

describe("mergeFiles()", () => {
  const cases: [string, TestSample[][], unknown[][]][] = [
    [
      "interleaves files of different times into one sorted file",
      [
        [
          { labels: b, t: 1, v: 1 },
          { labels: a, t: 1, v: 1 },
        ],
        [
          { labels: z, t: 2, v: 9 },
          { labels: a, t: 2, v: 2 },
        ],
      ],
      [
        ["m", '{"i":"a"}', 1, 1],
        ["m", '{"i":"a"}', 2, 2],
        ["m", '{"i":"b"}', 1, 1],
        ["z", "{}", 2, 9],
      ],
    ],
    [
      "keeps the row of the later input for a duplicate (series, ts)",
      [
        [
          { labels: a, t: 1, v: 1 },
          { labels: a, t: 2, v: 1 },
        ],
        [
          { labels: a, t: 2, v: "stale" },
          { labels: a, t: 3, v: 3 },
        ],
        [{ labels: a, t: 1, v: 7 }],
      ],
      [
        ["m", '{"i":"a"}', 1, 7],
        ["m", '{"i":"a"}', 2, null],
        ["m", '{"i":"a"}', 3, 3],
      ],
    ],
  ];
  test.each(cases)("%s", async (_name, inputs, want) => {
    const paths = await Promise.all(inputs.map(file));
    const out = join(dir, `out${n++}.parquet`);
    await mergeFiles(paths, out);
    expect(await fileRows(out)).toEqual(want);
  });

  test("reads a file listed twice once", async () => {
    const p = await file([{ labels: a, t: 1, v: 1 }]);
    const out = join(dir, "twice.parquet");
    const stats = await mergeFiles([p, p], out);
    expect(stats.rows).toBe(1);
  });

  test("returns the stats of the merged file", async () => {
    const paths = [
      await file([{ labels: z, t: 5000, v: 1 }]),
      await file([{ labels: a, t: 1000, v: 1 }]),
    ];
    const out = join(dir, "stats.parquet");
    expect(await mergeFiles(paths, out)).toEqual({
      rows: 2,
      minTime: 1000,
      maxTime: 5000,
      metrics: ["m", "z"],
      bytes: Bun.file(out).size,
    });
  });

  test("tags the file with the raw schema version", async () => {
    const p = await file([{ labels: a, t: 1, v: 1 }]);
    const out = join(dir, "schema.parquet");
    await mergeFiles([p], out);
    const meta = await queryRows(
      `SELECT value::VARCHAR FROM parquet_kv_metadata('${out}') WHERE key::VARCHAR = 'outpost_schema'`,
    );
    expect(meta).toEqual([["metrics-raw/1"]]);
  });

  test("cuts a file of fewer than two full row groups in two, at least 65,536 rows each", async () => {
    // Two metrics of 600 series, 100 samples each: 120,000 rows, as an hour of 10,000
    // series scraped every 5 minutes.
    const inputs: string[] = [];
    for (const name of ["p", "q"]) {
      const samples: TestSample[] = [];
      for (let i = 0; i < 600; i++) {
        for (let t = 0; t < 100; t++)
          samples.push({ labels: { __name__: name, i: `${i}` }, t, v: t });
      }
      inputs.push(await file(samples));
    }
    const out = join(dir, `out${n++}.parquet`);
    await mergeFiles(inputs, out, undefined, 120_000);
    const groups = await queryRows(
      `SELECT row_group_num_rows::INT, stats_min_value, stats_max_value
       FROM parquet_metadata('${out}') WHERE path_in_schema = 'metric' ORDER BY row_group_id`,
    );
    expect(groups).toEqual([
      [65_536, "p", "q"],
      [120_000 - 65_536, "q", "q"],
    ]);
  });

  test("keeps big row groups for big files and halves small ones", () => {
    expect(mergedRowGroup(2_400_000)).toBe(RAW_ROW_GROUP);
    expect(mergedRowGroup(2 * RAW_ROW_GROUP)).toBe(RAW_ROW_GROUP);
    expect(mergedRowGroup(600_000)).toBe(327_680);
    expect(mergedRowGroup(120_000)).toBe(65_536);
    expect(mergedRowGroup(1_000)).toBe(65_536);
    for (const rows of [1, 70_000, 400_000, 900_000, 5_000_000])
      expect(mergedRowGroup(rows) % 32_768).toBe(0);
  });

  test("fails with a sentence when there is nothing to merge", async () => {
    await expect(mergeFiles([], join(dir, "none.parquet"))).rejects.toThrow("Cannot merge into");
  });
});
