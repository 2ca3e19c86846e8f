import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSeries, labelsFromRecord, seriesHash } from "../../../shared/model/labels.ts";
import { isStaleAt } from "../../../shared/model/sample.ts";
import { readMetricsFiles, readSeriesLabels, type StoredSeries } from "./reader.ts";
import { sampleRows, syntheticRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "parquet-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const up = (job: string) => ({ __name__: "up", job });
const req = { __name__: "requests_total", job: "api" };
const files: Record<string, string> = {};

async function write(name: string, samples: TestSample[]): Promise<void> {
  files[name] = join(dir, `${name}.parquet`);
  await writeMetricsFile(sampleRows(samples), files[name]);
}

beforeAll(async () => {
  await write("early", [
    { labels: up("a"), t: 1000, v: 1 },
    { labels: up("a"), t: 2000, v: 1 },
    { labels: up("b"), t: 1000, v: 0 },
    { labels: req, t: 1000, v: 10 },
    { labels: req, t: 2000, v: "stale" },
  ]);
  await write("late", [
    { labels: up("a"), t: 2000, v: 0 },
    { labels: up("a"), t: 3000, v: Number.NaN },
  ]);
});

/** Series as `name{labels}` → [t, value] pairs, "stale" for markers. */
function plain(series: StoredSeries[]): Record<string, [number, number | "stale"][]> {
  const out: Record<string, [number, number | "stale"][]> = {};
  for (const s of series) {
    const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.values.length);
    out[formatSeries(s.labels)] = [...s.timestamps].map((t, i) => [
      t,
      isStaleAt(words, i) ? "stale" : s.values[i],
    ]);
  }
  return out;
}

describe("readMetricsFiles()", () => {
  const all = { start: 0, end: 10_000 };
  const cases: [string, string[], Parameters<typeof readMetricsFiles>[1], unknown][] = [
    [
      "reads every series with staleness markers restored",
      ["early"],
      all,
      {
        'requests_total{job="api"}': [
          [1000, 10],
          [2000, "stale"],
        ],
        'up{job="a"}': [
          [1000, 1],
          [2000, 1],
        ],
        'up{job="b"}': [[1000, 0]],
      },
    ],
    [
      "keeps the sample of the file listed last",
      ["early", "late"],
      { ...all, metrics: ["up"] },
      {
        'up{job="a"}': [
          [1000, 1],
          [2000, 0],
          [3000, Number.NaN],
        ],
        'up{job="b"}': [[1000, 0]],
      },
    ],
    [
      "keeps the other file's sample when the order is reversed",
      ["late", "early"],
      { start: 2000, end: 2000, metrics: ["up"] },
      { 'up{job="a"}': [[2000, 1]] },
    ],
    [
      "sorts the samples of files listed out of time order, the file listed last winning",
      ["late", "early"],
      { ...all, metrics: ["up"] },
      {
        'up{job="a"}': [
          [1000, 1],
          [2000, 1],
          [3000, Number.NaN],
        ],
        'up{job="b"}': [[1000, 0]],
      },
    ],
    [
      "reads only the series the matcher accepts",
      ["early", "late"],
      { ...all, match: (labels) => labels.includes("a") },
      {
        'up{job="a"}': [
          [1000, 1],
          [2000, 0],
          [3000, Number.NaN],
        ],
      },
    ],
    [
      "reads nothing when the matcher accepts no series",
      ["early"],
      { ...all, match: () => false },
      {},
    ],
    [
      "reads only the metrics asked for",
      ["early"],
      { ...all, metrics: ["requests_total", "absent"] },
      {
        'requests_total{job="api"}': [
          [1000, 10],
          [2000, "stale"],
        ],
      },
    ],
    [
      "reads the inclusive time range only",
      ["early", "late"],
      { start: 2000, end: 2999 },
      {
        'requests_total{job="api"}': [[2000, "stale"]],
        'up{job="a"}': [[2000, 0]],
      },
    ],
    ["reads nothing for an empty metric list", ["early"], { ...all, metrics: [] }, {}],
    [
      "accepts time bounds beyond what DuckDB can hold",
      ["late"],
      { start: -1e300, end: 1e300, metrics: ["up"] },
      {
        'up{job="a"}': [
          [2000, 0],
          [3000, Number.NaN],
        ],
      },
    ],
  ];
  test.each(cases)("%s", async (_name, names, opts, want) => {
    const got = await readMetricsFiles(
      names.map((n) => files[n]),
      opts,
    );
    expect(plain(got)).toEqual(want as Record<string, [number, number][]>);
  });

  test("returns sorted labels and their hash", async () => {
    const got = await readMetricsFiles([files.early], all);
    const labels = labelsFromRecord(up("b"));
    expect(got.map((s) => formatSeries(s.labels))).toEqual([
      'requests_total{job="api"}',
      'up{job="a"}',
      'up{job="b"}',
    ]);
    expect(got[2].labels).toEqual(labels);
    expect(got[2].hash).toBe(seriesHash(labels));
  });

  test.each([
    ["many series", 50, 300],
    ["series longer than a run (32,768 rows)", 2, 70_000],
  ])("reads a large file back sample for sample: %s", async (_name, count, perSeries) => {
    const rows = syntheticRows(count, perSeries);
    const p = join(dir, `large-${count}.parquet`);
    await writeMetricsFile(rows, p);
    const got = await readMetricsFiles([p], { start: 0, end: 2e12 });
    expect(got.map((s) => s.timestamps.length)).toEqual(new Array(count).fill(perSeries));
    const byHash = new Map(got.map((s) => [s.hash, s]));
    for (let i = 0; i < rows.length; i += 97) {
      const s = byHash.get(rows.series[rows.seriesIndex[i]].hash)!;
      const k = s.timestamps.indexOf(rows.timestamps[i]);
      expect(s.values[k]).toBe(rows.values[i]);
    }
    for (const s of got) {
      expect(s.timestamps.every((t, i) => i === 0 || t > s.timestamps[i - 1])).toBe(true);
    }
  });

  test("fails with a sentence when a file is missing", async () => {
    await expect(readMetricsFiles([join(dir, "nope.parquet")], all)).rejects.toThrow(
      "Cannot read Parquet files",
    );
  });
});

describe("readSeriesLabels()", () => {
  const cases: [string, string[] | undefined, number, string[]][] = [
    [
      "lists every series once",
      undefined,
      1000,
      ['requests_total{job="api"}', 'up{job="a"}', 'up{job="b"}'],
    ],
    ["lists the series of the metrics asked for", ["up"], 1000, ['up{job="a"}', 'up{job="b"}']],
    ["lists only series with samples in the range", undefined, 3000, ['up{job="a"}']],
  ];
  test.each(cases)("%s", async (_name, metrics, start, want) => {
    const got = await readSeriesLabels([files.early, files.late], metrics, { start, end: 5000 });
    expect(got.map(formatSeries)).toEqual(want);
  });
});
