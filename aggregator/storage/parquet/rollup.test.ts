import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRollupFile } from "./rollup.ts";
import { queryRows, sampleRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "parquet-rollup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const c = { __name__: "c_total", job: "x" };
const s = (t: number, v: number | "stale"): TestSample => ({ labels: c, t: t * 1000, v });

async function rollup(inputs: TestSample[][], step: 60_000 | 300_000) {
  const paths: string[] = [];
  for (const samples of inputs) {
    paths.push(join(dir, `in${n++}.parquet`));
    await writeMetricsFile(sampleRows(samples), paths[paths.length - 1]);
  }
  const out = join(dir, `out${n++}.parquet`);
  const stats = await writeRollupFile(paths, out, step);
  const rows = await queryRows(
    `SELECT epoch_ms(ts)::DOUBLE / 1000, min, max, sum, count::INT, last, increase
     FROM read_parquet('${out}')`,
  );
  return { stats, rows };
}

describe("writeRollupFile()", () => {
  // [window start s, min, max, sum, count, last, increase]
  const cases: [string, TestSample[][], 60_000 | 300_000, number[][]][] = [
    [
      "aggregates each minute, the first sample contributing no increase",
      [[s(0, 1), s(15, 2), s(30, 4), s(45, 5), s(60, 6), s(75, 8)]],
      60_000,
      [
        [0, 1, 5, 12, 4, 5, 4],
        [60, 6, 8, 14, 2, 8, 3],
      ],
    ],
    [
      "counts a counter reset as the value after it",
      [[s(0, 10), s(15, 12), s(30, 3), s(45, 5)]],
      60_000,
      [[0, 3, 12, 30, 4, 5, 2 + 3 + 2]],
    ],
    [
      "puts the step across a window border into the later window",
      [[s(50, 10), s(70, 15), s(130, 16)]],
      60_000,
      [
        [0, 10, 10, 10, 1, 10, 0],
        [60, 15, 15, 15, 1, 15, 5],
        [120, 16, 16, 16, 1, 16, 1],
      ],
    ],
    [
      "leaves staleness markers out, bridging over them",
      [[s(0, 1), s(15, "stale"), s(30, 3), s(75, "stale")]],
      60_000,
      [[0, 1, 3, 4, 2, 3, 2]],
    ],
    [
      "aggregates five-minute windows",
      [[s(0, 1), s(150, 2), s(299, 3), s(300, 1)]],
      300_000,
      [
        [0, 1, 3, 6, 3, 3, 2],
        [300, 1, 1, 1, 1, 1, 1],
      ],
    ],
    [
      "uses the later input's sample for a duplicate timestamp",
      [[s(0, 1), s(15, 2)], [s(15, 4)]],
      60_000,
      [[0, 1, 4, 5, 2, 4, 3]],
    ],
  ];
  test.each(cases)("%s", async (_name, inputs, step, want) => {
    expect((await rollup(inputs, step)).rows).toEqual(want);
  });

  test("keeps the raw label columns and returns stats with window starts", async () => {
    const { stats } = await rollup([[s(10, 1), s(130, 2)]], 60_000);
    expect(stats).toMatchObject({ rows: 2, minTime: 0, maxTime: 120_000, metrics: ["c_total"] });
    expect(stats.stepMs).toBe(60_000);
    const cols = await queryRows(
      `DESCRIBE SELECT * FROM read_parquet('${join(dir, `out${n - 1}.parquet`)}')`,
    );
    expect(cols.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      "metric VARCHAR",
      "labels JSON",
      "ts TIMESTAMP",
      "min DOUBLE",
      "max DOUBLE",
      "sum DOUBLE",
      "count BIGINT",
      "last DOUBLE",
      "increase DOUBLE",
    ]);
  });
});
