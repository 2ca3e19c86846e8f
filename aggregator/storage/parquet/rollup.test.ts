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
    `SELECT epoch_ms(ts)::DOUBLE / 1000, min, max, sum, count::INT, last, increase,
       epoch_ms(first_ts)::DOUBLE / 1000, first, epoch_ms(last_ts)::DOUBLE / 1000,
       resets::INT, reset_sum, whole
     FROM read_parquet('${out}')`,
  );
  return { stats, rows };
}

const NAN = Number.NaN;

describe("writeRollupFile()", () => {
  // [window end s, min, max, sum, count, last, increase, first_ts, first, last_ts, resets,
  //  reset_sum, whole]
  const cases: [string, TestSample[][], 60_000 | 300_000, (number | boolean)[][]][] = [
    [
      "aggregates each left-open minute, a sample on the border closing the earlier window",
      [[s(0, 1), s(15, 2), s(30, 4), s(45, 5), s(60, 6), s(75, 8)]],
      60_000,
      [
        [0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, true],
        [60, 2, 6, 17, 4, 6, 5, 15, 2, 60, 0, 0, true],
        [120, 8, 8, 8, 1, 8, 2, 75, 8, 75, 0, 0, true],
      ],
    ],
    [
      "counts a counter reset and the value dropped from",
      [[s(5, 10), s(15, 12.5), s(30, 3), s(45, 5)]],
      60_000,
      [[60, 3, 12.5, 30.5, 4, 5, 2.5 + 3 + 2, 5, 10, 45, 1, 12.5, false]],
    ],
    [
      "leaves a drop across a window border to the reader",
      [[s(50, 10), s(70, 5), s(130, 16)]],
      60_000,
      [
        [60, 10, 10, 10, 1, 10, 0, 50, 10, 50, 0, 0, true],
        [120, 5, 5, 5, 1, 5, 5, 70, 5, 70, 0, 0, true],
        [180, 16, 16, 16, 1, 16, 11, 130, 16, 130, 0, 0, true],
      ],
    ],
    [
      "leaves staleness markers out, bridging over them",
      [[s(1, 1), s(15, "stale"), s(30, 3), s(75, "stale")]],
      60_000,
      [[60, 1, 3, 4, 2, 3, 2, 1, 1, 30, 0, 0, true]],
    ],
    [
      "folds NaN and infinities as PromQL's min and max do",
      [[s(1, NAN), s(2, 4), s(3, NAN), s(4, -Infinity), s(61, NAN)]],
      60_000,
      [
        [60, -Infinity, 4, NAN, 4, -Infinity, NAN, 1, NAN, 4, 0, 0, false],
        [120, NAN, NAN, NAN, 1, NAN, NAN, 61, NAN, 61, 0, 0, false],
      ],
    ],
    [
      "aggregates five-minute windows",
      [[s(1, 1), s(150, 2), s(300, 3), s(301, 1)]],
      300_000,
      [
        [300, 1, 3, 6, 3, 3, 2, 1, 1, 300, 0, 0, true],
        [600, 1, 1, 1, 1, 1, 1, 301, 1, 301, 0, 0, true],
      ],
    ],
    [
      "uses the later input's sample for a duplicate timestamp",
      [[s(1, 1), s(15, 2)], [s(15, 4)]],
      60_000,
      [[60, 1, 4, 5, 2, 4, 3, 1, 1, 15, 0, 0, true]],
    ],
  ];
  test.each(cases)("%s", async (_name, inputs, step, want) => {
    expect((await rollup(inputs, step)).rows).toEqual(want);
  });

  test("keeps the sign of a zero extreme", async () => {
    // (Raw files holding −0 are written without dictionaries: negative_zero.test.ts.)
    const { rows } = await rollup([[s(1, -0), s(2, 5), s(61, 3), s(62, -0)]], 60_000);
    expect(rows.map((r) => [Object.is(r[1], -0), Object.is(r[2], -0)])).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  test("keeps the raw label columns and returns stats with window ends", async () => {
    const { stats } = await rollup([[s(10, 1), s(130, 2)]], 60_000);
    expect(stats).toMatchObject({
      rows: 2,
      minTime: 60_000,
      maxTime: 180_000,
      metrics: ["c_total"],
    });
    expect(stats.stepMs).toBe(60_000);
    const cols = await queryRows(
      `DESCRIBE SELECT * FROM read_parquet('${join(dir, `out${n - 1}.parquet`)}')`,
    );
    expect(cols.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      "metric VARCHAR",
      "labels JSON",
      "ts TIMESTAMP",
      "count BIGINT",
      "min DOUBLE",
      "max DOUBLE",
      "sum DOUBLE",
      "whole BOOLEAN",
      "first_ts TIMESTAMP",
      "first DOUBLE",
      "last_ts TIMESTAMP",
      "last DOUBLE",
      "resets BIGINT",
      "reset_sum DOUBLE",
      "increase DOUBLE",
    ]);
  });
});
