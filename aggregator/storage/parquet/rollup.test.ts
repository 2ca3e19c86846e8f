import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDayRollupFile, writeRollupFile } from "./rollup.ts";
import { ROLLUP_ROW_GROUP } from "./schema.ts";
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

  test("cuts row groups of ROLLUP_ROW_GROUP rows, each metric's rows together", async () => {
    // Two metrics of 2,000 series, 12 windows each: 48,000 rows, three row groups.
    const samples: TestSample[] = [];
    for (const name of ["a", "b"]) {
      for (let i = 0; i < 2000; i++) {
        for (let t = 0; t < 3600; t += 300) {
          samples.push({ labels: { __name__: name, i: String(i) }, t: t * 1000 + 1, v: i });
        }
      }
    }
    const raw = join(dir, `in${n++}.parquet`);
    await writeMetricsFile(sampleRows(samples), raw);
    const out = join(dir, `out${n++}.parquet`);
    await writeRollupFile([raw], out, 300_000);
    const groups = await queryRows(
      `SELECT row_group_num_rows::INT, stats_min_value, stats_max_value
       FROM parquet_metadata('${out}') WHERE path_in_schema = 'metric' ORDER BY row_group_id`,
    );
    expect(groups).toEqual([
      [ROLLUP_ROW_GROUP, "a", "a"],
      [ROLLUP_ROW_GROUP, "a", "b"],
      [48_000 - 2 * ROLLUP_ROW_GROUP, "b", "b"],
    ]);
  });
});

describe("writeDayRollupFile()", () => {
  const H = 3600;
  const at =
    (labels: Record<string, string>) =>
    (t: number, v: number | "stale"): TestSample => ({
      labels,
      t: t * 1000,
      v,
    });
  const counter = at({ __name__: "c_total", job: "x" });
  const gauge = at({ __name__: "g", job: "x" });
  const frac = at({ __name__: "f_total", job: "x" });
  const late = at({ __name__: "l", job: "y" });
  // Three hours of a day: samples on hour borders, resets inside a 5 m window, across 5 m
  // windows and across an hour, NaN, 0 and −0 ties, a staleness marker, fractional values,
  // a series in one hour only.
  const hours: TestSample[][] = [
    [
      counter(0, 5),
      counter(60, 7),
      counter(290, 3),
      counter(310, 4),
      counter(1800, 9),
      counter(3590, 20),
      gauge(10, 0),
      gauge(20, -0),
      gauge(400, Number.NaN),
      gauge(3000, -0),
      gauge(3100, 0),
      frac(100, 0.1),
      frac(200, 0.3),
      frac(3500, 0.2),
      gauge(3550, "stale"),
    ],
    [
      counter(H, 2),
      counter(H + 30, 6),
      counter(H + 600, 1),
      counter(2 * H - 10, 8),
      gauge(H, Number.NaN),
      gauge(H + 5, -3),
      gauge(H + 900, -3),
      frac(H, 0.7),
      frac(H + 50, 0.1),
      late(H + 1200, 42),
    ],
    [
      counter(2 * H, 9),
      counter(2 * H + 100, 0),
      gauge(2 * H, 1),
      frac(2 * H + 1, 0.4),
      gauge(2 * H + 10, -0),
      gauge(2 * H + 400, 0),
    ],
  ];

  const show = (v: unknown) =>
    typeof v === "number" ? (Object.is(v, -0) ? "-0" : String(v)) : String(v);

  async function rowsOf(path: string) {
    const rows = await queryRows(
      `SELECT metric, epoch_ms(ts)::DOUBLE, count::DOUBLE, min, max, sum, whole,
         epoch_ms(first_ts)::DOUBLE, first, epoch_ms(last_ts)::DOUBLE, last, resets::DOUBLE,
         reset_sum, increase
       FROM read_parquet('${path}') ORDER BY metric, labels, ts`,
    );
    // Sums (and the increase they make) of fractional values may round otherwise: only whole
    // rows' sums are read (kernels.ts).
    return rows.map((r) => r.map((v, i) => (!r[6] && (i === 5 || i === 13) ? "inexact" : show(v))));
  }

  test("gives the rows of the day's raw files' 1 h rollup, from their 5 m rollups", async () => {
    const raw: string[] = [];
    const fiveMinute: string[] = [];
    for (const samples of hours) {
      raw.push(join(dir, `day-raw${n++}.parquet`));
      await writeMetricsFile(sampleRows(samples), raw[raw.length - 1]);
      fiveMinute.push(join(dir, `day-5m${n++}.parquet`));
      await writeRollupFile([raw[raw.length - 1]], fiveMinute[fiveMinute.length - 1], 300_000);
    }
    const fromRaw = join(dir, `day-from-raw${n++}.parquet`);
    const fromRollups = join(dir, `day-from-5m${n++}.parquet`);
    await writeRollupFile(raw, fromRaw, 3_600_000);
    const stats = await writeDayRollupFile(fiveMinute, fromRollups);
    const want = await rowsOf(fromRaw);
    expect(want.length).toBe(stats.rows);
    expect(await rowsOf(fromRollups)).toEqual(want);
    // The data has what the fold must add back.
    expect(want.some((r) => r[0] === "c_total" && Number(r[11]) >= 2)).toBe(true);
    expect(want.some((r) => r[4] === "-0" || r[3] === "-0")).toBe(true);
  });
});
