import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSeries, seriesHash } from "../../shared/model/labels.ts";
import type { MetricMetadata } from "../../shared/model/sample.ts";
import type { SampleRows, SeriesRef } from "../storage/storage.ts";
import { type ImportStats, type ReadOptions, readOpenMetricsFile } from "./openmetrics.ts";

const dir = await mkdtemp(join(tmpdir(), "outpost-import-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

let fileNo = 0;
async function write(text: string): Promise<string> {
  const path = join(dir, `t${fileNo++}.om`);
  await writeFile(path, text);
  return path;
}

interface Read {
  /** `[series, timestampMs, value]` per row, in order. */
  samples: [string, number, number][];
  chunks: SampleRows[];
  metadata: MetricMetadata[][];
  stats: ImportStats;
}

async function read(text: string, opts?: ReadOptions): Promise<Read> {
  const out: Read = { samples: [], chunks: [], metadata: [], stats: undefined as never };
  out.stats = await readOpenMetricsFile(
    await write(text),
    async (rows, metadata) => {
      out.chunks.push(rows);
      out.metadata.push(metadata);
      for (let i = 0; i < rows.length; i++) {
        const s = rows.series[rows.seriesIndex[i]];
        out.samples.push([formatSeries(s.labels), rows.timestamps[i], rows.values[i]]);
      }
    },
    opts,
  );
  return out;
}

async function failure(text: string, opts?: ReadOptions): Promise<string> {
  const path = await write(text);
  try {
    await readOpenMetricsFile(path, async () => {}, opts);
  } catch (err) {
    return (err as Error).message.replace(path, "FILE");
  }
  return "no error";
}

const HISTOGRAM = `# HELP req_seconds Latency.
# TYPE req_seconds histogram
# UNIT req_seconds seconds
req_seconds_bucket{path="/a",le="0.5"} 1 10
req_seconds_bucket{path="/a",le="1"} 2 10
req_seconds_bucket{path="/a",le="+Inf"} 3 10
req_seconds_count{path="/a"} 3 10
req_seconds_sum{path="/a"} 1.5 10
req_seconds_bucket{path="/a",le="0.5"} 4 25
req_seconds_bucket{path="/a",le="1"} 5 25
req_seconds_bucket{path="/a",le="+Inf"} 6 25
req_seconds_count{path="/a"} 6 25
req_seconds_sum{path="/a"} 3.25 25
# TYPE other gauge
other{le="1"} 7 30
other{le="1"} 8 45.5
`;

describe("readOpenMetricsFile()", () => {
  test("reads labels with escapes, NaN and infinities, and truncates fractional seconds to ms", async () => {
    const got = await read(
      [
        "# TYPE a gauge",
        'a{l="quote\\" back\\\\ nl\\n end",z="ü"} 1.5 1.0019',
        "a NaN 2",
        "a +Inf 3",
        "a -Inf 4.5",
        "a 1e3 -1.5",
        "# EOF",
        "",
      ].join("\n"),
    );
    expect(got.samples.map(([s, ts]) => [s, ts])).toEqual([
      ['a{l="quote\\" back\\\\ nl\\n end", z="ü"}', 1001],
      ["a", 2000],
      ["a", 3000],
      ["a", 4500],
      ["a", -1500],
    ]);
    expect(got.samples.map(([, , v]) => v)).toEqual([1.5, Number.NaN, Infinity, -Infinity, 1000]);
    expect(got.chunks[0].series[0].labels).toEqual([
      "__name__",
      "a",
      "l",
      'quote" back\\ nl\n end',
      "z",
      "ü",
    ]);
    expect(got.stats).toMatchObject({ samples: 5, series: 2, lines: 7, duplicates: 0 });
  });

  test("gives each series its hash and metric name", async () => {
    const got = await read('x_total{a="1"} 1 1\n# EOF\n');
    const s = got.chunks[0].series[0];
    expect(s).toMatchObject({
      metric: "x_total",
      hash: seriesHash(["__name__", "x_total", "a", "1"]),
    });
  });

  test("normalises le only in histograms, even when the TYPE line is blocks away", async () => {
    for (const blockBytes of [1, 40, 1 << 20]) {
      const got = await read(`${HISTOGRAM}# EOF\n`, { blockBytes });
      const series = [...new Set(got.samples.map(([s]) => s))];
      expect(series).toEqual([
        'req_seconds_bucket{le="0.5", path="/a"}',
        'req_seconds_bucket{le="1.0", path="/a"}',
        'req_seconds_bucket{le="+Inf", path="/a"}',
        'req_seconds_count{path="/a"}',
        'req_seconds_sum{path="/a"}',
        'other{le="1"}',
      ]);
    }
  });

  test("delivers the same rows whatever the block and chunk sizes", async () => {
    const text = `${HISTOGRAM}# EOF\n`;
    const want = await read(text);
    expect(want.stats).toMatchObject({ samples: 12, series: 6, lines: 17 });
    for (const blockBytes of [1, 2, 7, 33, 100, 4096]) {
      for (const chunkRows of [1, 5, 1000]) {
        const got = await read(text, { blockBytes, chunkRows });
        expect(got.samples).toEqual(want.samples);
        expect(got.stats).toMatchObject({ samples: 12, series: 6, lines: 17, bytes: text.length });
        expect(got.chunks.every((c) => c.length <= chunkRows)).toBe(true);
      }
    }
  });

  test("keeps one SeriesRef object per series across chunks", async () => {
    const got = await read(`${HISTOGRAM}# EOF\n`, { chunkRows: 4, blockBytes: 16 });
    expect(got.chunks.length).toBe(3);
    const refs = new Map<string, SeriesRef>();
    for (const rows of got.chunks) {
      for (const s of rows.series) {
        const key = formatSeries(s.labels);
        if (!refs.has(key)) refs.set(key, s);
        expect(s).toBe(refs.get(key)!);
      }
    }
    expect(refs.size).toBe(6);
  });

  test("hands over each family's metadata once, with the chunk it arrived in", async () => {
    const got = await read(`${HISTOGRAM}# EOF\n`, { chunkRows: 5 });
    expect(got.metadata).toEqual([
      [{ name: "req_seconds", type: "histogram", help: "Latency.", unit: "seconds" }],
      [],
      [{ name: "other", type: "gauge", help: "", unit: "" }],
    ]);
  });

  test("drops a sample at its series' previous timestamp, across blocks too", async () => {
    const text = "a 1 1\na 2 1\nb 1 1\na 3 2\na 4 2\n# EOF\n";
    for (const blockBytes of [1, 6, 1 << 20]) {
      const got = await read(text, { blockBytes });
      expect(got.samples).toEqual([
        ["a", 1000, 1],
        ["b", 1000, 1],
        ["a", 2000, 3],
      ]);
      expect(got.stats).toMatchObject({ samples: 3, duplicates: 2, lines: 6 });
    }
  });

  test.each([
    [
      "a sample without a timestamp",
      "a 1 1\n# TYPE b gauge\nb 2\n# EOF\n",
      "line 3: sample of b has no timestamp",
    ],
    [
      "a malformed value",
      'a 1 1\nb{x="1"} one 2\n# EOF\n',
      "line 2: expected a number as sample value",
    ],
    ["a blank line", "a 1 1\n\na 2 2\n# EOF\n", "line 2: unexpected blank line"],
    ["a missing # EOF", "a 1 1\na 2 2\n", 'line 3: expected "# EOF" as the last line'],
    [
      "a missing # EOF without a final line break",
      "a 1 1\na 2 2",
      'line 2: expected "# EOF" as the last line',
    ],
    ["an empty file", "", 'line 1: expected "# EOF" as the last line'],
    ["data after # EOF", "a 1 1\n# EOF\na 2 2\n", 'line 3: unexpected data after "# EOF"'],
  ])("stops at %s, naming the line", async (_, text, want) => {
    for (const blockBytes of [1, 5, 1 << 20]) {
      const message = await failure(text, { blockBytes });
      expect(message).toStartWith(`Cannot import FILE: ${want}`);
    }
  });

  test("names the file when it cannot be opened", async () => {
    const missing = join(dir, "missing.om");
    await expect(readOpenMetricsFile(missing, async () => {})).rejects.toThrow(
      `Cannot import ${missing}: no such file`,
    );
  });

  test("accepts # EOF without a final line break, and CRLF line ends", async () => {
    for (const blockBytes of [1, 3, 1 << 20]) {
      expect((await read("a 1 1\n# EOF", { blockBytes })).stats.lines).toBe(2);
      expect((await read("a 1 1\r\n# EOF\r\n", { blockBytes })).samples).toEqual([["a", 1000, 1]]);
    }
  });

  test("restores the TYPE context of long and quoted family names at block starts", async () => {
    const long = "h".repeat(5000);
    for (const name of [long, "a.b"]) {
      const quoted = name === long ? name : `"${name}"`;
      const series = name === long ? `${name}_bucket{le="2"}` : `{"${name}_bucket",le="2"}`;
      for (const end of ["# EOF\n", "# EOF"]) {
        const text = `# TYPE ${quoted} histogram\n${series} 1 1\n${series} 2 2\n${end}`;
        const got = await read(text, { blockBytes: 1 });
        expect(got.chunks[0].series.map((s) => s.labels[3])).toEqual(["2.0"]);
        expect(got.stats).toMatchObject({ samples: 2, lines: 4 });
      }
    }
  });

  test("rejects with the consumer's error and stops reading", async () => {
    const path = await write(`${HISTOGRAM}# EOF\n`);
    let calls = 0;
    const failing = readOpenMetricsFile(
      path,
      async () => {
        calls++;
        throw new Error("disk full");
      },
      { chunkRows: 1, blockBytes: 1 },
    );
    await expect(failing).rejects.toThrow("disk full");
    expect(calls).toBe(1);
  });

  test("reads a line longer than the block size", async () => {
    const long = "v".repeat(100_000);
    const got = await read(`a{l="${long}"} 1 1\n# EOF\n`, { blockBytes: 1000 });
    expect(got.chunks[0].series[0].labels[3]).toBe(long);
  });

  test("reads every sample of a generated 50-series hour", async () => {
    const path = join(dir, "gen.om");
    const script = new URL("../../test/fixtures/gen_openmetrics.py", import.meta.url).pathname;
    const gen = Bun.spawnSync(["python3", script, "--series", "50", "--hours", "1", "-o", path]);
    expect(gen.exitCode).toBe(0);
    const refs = new Set<SeriesRef>();
    let rows = 0;
    const stats = await readOpenMetricsFile(
      path,
      async (chunk) => {
        rows += chunk.length;
        for (const s of chunk.series) refs.add(s);
      },
      { chunkRows: 1000, blockBytes: 64 << 10 },
    );
    expect(stats).toMatchObject({ samples: 50 * 240, series: 50, duplicates: 0 });
    expect(rows).toBe(50 * 240);
    expect(refs.size).toBe(50);
  });
});
