import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileRows, queryRows, sampleRows, syntheticRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "parquet-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = () => join(dir, `f${n++}.parquet`);

const up = (job: string) => ({ __name__: "up", job });
const req = { __name__: "requests_total", job: "api" };

describe("writeMetricsFile()", () => {
  test("writes the documented columns and types", async () => {
    const p = path();
    await writeMetricsFile(sampleRows([{ labels: req, t: 1000, v: 1 }]), p);
    const cols = await queryRows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
    expect(cols.map((c) => [c[0], c[1]])).toEqual([
      ["metric", "VARCHAR"],
      ["labels", "JSON"],
      ["ts", "TIMESTAMP"],
      ["value", "DOUBLE"],
    ]);
  });

  const cases: [string, TestSample[], unknown[][]][] = [
    [
      "sorts rows by metric, labels and time",
      [
        { labels: up("b"), t: 1000, v: 1 },
        { labels: req, t: 1000, v: 5 },
        { labels: up("a"), t: 1000, v: 1 },
        { labels: up("b"), t: 0, v: 0 },
      ],
      [
        ["requests_total", '{"job":"api"}', 1000, 5],
        ["up", '{"job":"a"}', 1000, 1],
        ["up", '{"job":"b"}', 0, 0],
        ["up", '{"job":"b"}', 1000, 1],
      ],
    ],
    [
      "keeps the last sample of a duplicate (series, ts)",
      [
        { labels: req, t: 1000, v: 1 },
        { labels: req, t: 1000, v: 2 },
      ],
      [["requests_total", '{"job":"api"}', 1000, 2]],
    ],
    [
      "stores staleness markers as NULL and other values exactly",
      [
        { labels: req, t: 1, v: "stale" },
        { labels: req, t: 2, v: Number.NaN },
        { labels: req, t: 3, v: -0 },
        { labels: req, t: 4, v: Number.POSITIVE_INFINITY },
        { labels: req, t: 5, v: 123.45 },
        { labels: req, t: 6, v: 2 ** 60 },
      ],
      [
        ["requests_total", '{"job":"api"}', 1, null],
        ["requests_total", '{"job":"api"}', 2, Number.NaN],
        ["requests_total", '{"job":"api"}', 3, -0],
        ["requests_total", '{"job":"api"}', 4, Number.POSITIVE_INFINITY],
        ["requests_total", '{"job":"api"}', 5, 123.45],
        ["requests_total", '{"job":"api"}', 6, 2 ** 60],
      ],
    ],
  ];
  test.each(cases)("%s", async (_name, samples, want) => {
    const p = path();
    await writeMetricsFile(sampleRows(samples), p);
    expect(await fileRows(p)).toEqual(want);
  });

  test("treats two SeriesRefs with the same labels as one series", async () => {
    const rows = sampleRows([{ labels: req, t: 1, v: 1 }]);
    const twice = {
      ...rows,
      series: [rows.series[0], { ...rows.series[0] }],
      seriesIndex: Int32Array.from([1]),
    };
    const p = path();
    await writeMetricsFile(twice, p);
    expect(await fileRows(p)).toEqual([["requests_total", '{"job":"api"}', 1, 1]]);
  });

  test("returns the rows, time range, sorted metric names and size of the file", async () => {
    const p = path();
    const stats = await writeMetricsFile(syntheticRows(30, 100), p);
    expect(stats).toEqual({
      rows: 3000,
      minTime: 1_704_063_600_000,
      maxTime: 1_704_063_600_000 + 99 * 15_000,
      metrics: ["cpu_seconds_total", "in_flight", "requests_total"],
      bytes: Bun.file(p).size,
    });
  });

  test("writes an empty file with the same columns", async () => {
    const p = path();
    const stats = await writeMetricsFile(sampleRows([]), p);
    expect(stats).toMatchObject({ rows: 0, minTime: 0, maxTime: 0, metrics: [] });
    const cols = await queryRows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
    expect(cols.map((c) => c[1])).toEqual(["VARCHAR", "JSON", "TIMESTAMP", "DOUBLE"]);
  });

  test("marks staleness in every chunk of a large write", async () => {
    const rows = syntheticRows(7, 1000);
    for (let i = 0; i < rows.length; i += 1000) {
      rows.valueWords[2 * i] = 2;
      rows.valueWords[2 * i + 1] = 0x7ff00000;
    }
    const p = path();
    await writeMetricsFile(rows, p);
    const [[nulls, total]] = await queryRows(
      `SELECT count(*) FILTER (WHERE value IS NULL)::INT, count(*)::INT FROM read_parquet('${p}')`,
    );
    expect([nulls, total]).toEqual([7, 7000]);
  });

  test("fails with a sentence naming the file when it cannot write", async () => {
    const p = join(dir, "missing", "f.parquet");
    await expect(writeMetricsFile(sampleRows([{ labels: req, t: 1, v: 1 }]), p)).rejects.toThrow(
      `Cannot write Parquet file ${p}`,
    );
  });
});
