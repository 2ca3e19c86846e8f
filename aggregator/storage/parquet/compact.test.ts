import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeFiles } from "./compact.ts";
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

  test("fails with a sentence when there is nothing to merge", async () => {
    await expect(mergeFiles([], join(dir, "none.parquet"))).rejects.toThrow("Cannot merge into");
  });
});
