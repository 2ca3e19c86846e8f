import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropsOf, dropsWithin, writeStale } from "../../../shared/model/sample.ts";
import type { FileEntry } from "../catalog/entry.ts";
import { compileMatchers } from "../matchers.ts";
import { readMetricsFiles, type StoredSeries } from "../parquet/reader.ts";
import { sampleRows, type TestSample } from "../parquet/testing.ts";
import { writeMetricsFile } from "../parquet/writer.ts";
import type { LabelMatcher, SeriesSamples } from "../storage.ts";
import { cachedBytes, POSTING_BYTES, POSTINGS_BYTES, VALUE_POSTINGS_BYTES } from "./bytes.ts";
import { forCache, QueryCache } from "./cache.ts";
import { PartedSeries, readCached, readTuning } from "./cached_read.ts";
import { TimesJoiner } from "./join_slices.ts";
import { decodeTuning } from "./read_missing.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-cached-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 3_600_000;
const up = (instance: string) => ({ __name__: "up", job: "node", instance });
const load = { __name__: "node_load1", job: "node", instance: "a" };

/** Hour 0 and hour 1 files, and a second flush file of hour 1 that overlaps the first. */
const FILES: TestSample[][] = [
  [0, 15_000, 30_000].flatMap((t) => [
    { labels: up("a"), t, v: 1 },
    { labels: up("b"), t, v: 0 },
    { labels: load, t, v: t / 1000 },
  ]),
  [H, H + 15_000, H + 30_000].flatMap((t) => [
    { labels: up("a"), t, v: 1 },
    { labels: load, t, v: 2 },
  ]),
  [
    { labels: up("a"), t: H + 15_000, v: 7 },
    { labels: up("a"), t: H + 45_000, v: "stale" },
    { labels: up("c"), t: H + 45_000, v: 1 },
  ],
];

/** Opens file `f` as its path in `paths`. */
const at = (paths: string[]) => (f: number) => Promise.resolve(paths[f]);

async function files(): Promise<{ entries: FileEntry[]; paths: string[] }> {
  const entries: FileEntry[] = [];
  const paths: string[] = [];
  for (let i = 0; i < FILES.length; i++) {
    const path = join(dir, `f${i}.parquet`);
    const stats = await writeMetricsFile(sampleRows(FILES[i]), path);
    paths.push(path);
    entries.push({
      key: `k${i}`,
      tenant: "t",
      signal: "metrics",
      tier: "raw",
      hour: i === 0 ? 0 : H,
      minTime: stats.minTime,
      maxTime: stats.maxTime,
      rows: stats.rows,
      bytes: stats.bytes,
      metrics: stats.metrics,
      seqs: [],
      level: 0,
      created: i,
    });
  }
  return { entries, paths };
}

/** Series as comparable text: labels and every sample's time and raw value bits. */
function text(series: readonly SeriesSamples[] | readonly StoredSeries[]): string[] {
  return series
    .map((s) => {
      const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.timestamps.length);
      const samples = [...s.timestamps].map((t, i) => `${t}=${words[2 * i]}:${words[2 * i + 1]}`);
      return `${s.labels.join(",")} ${samples.join(" ")}`;
    })
    .sort();
}

/** What the Parquet reader returns for the same read, as text. */
async function stored(
  paths: string[],
  metrics: string[],
  matchers: LabelMatcher[],
  range: { start: number; end: number },
): Promise<string[]> {
  return text(
    await readMetricsFiles(paths, { metrics, match: compileMatchers(matchers), ...range }),
  );
}

describe("readCached()", () => {
  const cases: [string, string[], { start: number; end: number }][] = [
    ["one metric over everything", ["up"], { start: -1, end: 2 * H }],
    [
      "two metrics inside one hour's edges",
      ["up", "node_load1"],
      { start: 15_000, end: H + 15_000 },
    ],
    ["a range that ends before the overlap", ["up"], { start: H, end: H + 10_000 }],
  ];
  test.each(cases)(
    "reads %s as the Parquet reader does, cold and then from the cache",
    async (_, metrics, range) => {
      const { entries, paths } = await files();
      const matchers: LabelMatcher[] = [{ name: "job", type: "=", value: "node" }];
      const want = await stored(paths, metrics, matchers, range);
      const cache = new QueryCache(1 << 30);
      expect(text(await readCached(cache, entries, at(paths), metrics, matchers, range))).toEqual(
        want,
      );
      const misses = cache.misses;
      const again = await readCached(cache, entries, at(paths), metrics, matchers, range);
      expect(text(again)).toEqual(want);
      // Each series' length is its samples', whether it came as one slice or several.
      for (const s of again) expect(s.length).toBe(s.timestamps.length);
      expect(cache.misses).toBe(misses);
      expect(cache.hits).toBeGreaterThan(0);
      // One series by its instance: through the postings of `instance`.
      const one: LabelMatcher[] = [...matchers, { name: "instance", type: "=", value: "b" }];
      const wantOne = await stored(paths, metrics, one, range);
      expect(text(await readCached(cache, entries, at(paths), metrics, one, range))).toEqual(
        wantOne,
      );
    },
  );

  test("answers the same from postings built up front (the warm-up's) as from those built on demand", async () => {
    const { entries, paths } = await files();
    const range = { start: -1, end: 2 * H };
    const eager = new QueryCache(1 << 30);
    for (let f = 0; f < paths.length; f++) {
      for (const metric of entries[f].metrics) {
        const decoded = await readMetricsFiles([paths[f]], { ...range, metrics: [metric] });
        expect(eager.set(entries[f].key, metric, decoded, { index: true }).complete).toBe(true);
      }
    }
    const misses = eager.misses;
    for (const matchers of [
      [{ name: "instance", type: "=", value: "b" }],
      [{ name: "instance", type: "=", value: "nope" }],
      [{ name: "absent", type: "=", value: "x" }],
      [{ name: "job", type: "=", value: "node" }],
    ] as LabelMatcher[][]) {
      const lazy = new QueryCache(1 << 30);
      const want = text(
        await readCached(lazy, entries, at(paths), ["up", "node_load1"], matchers, range),
      );
      const got = text(
        await readCached(eager, entries, at(paths), ["up", "node_load1"], matchers, range),
      );
      expect(got).toEqual(want);
    }
    expect(eager.misses).toBe(misses);
  });

  test("keeps one timestamps array for the series of a file scraped together", async () => {
    const { entries, paths } = await files();
    const cache = new QueryCache(1 << 30);
    await readCached(cache, entries, at(paths), ["up"], [], { start: -1, end: 2 * H });
    const [a, b] = cache.get("k0", "up")!.series;
    expect(a.labels).not.toEqual(b.labels);
    expect(a.timestamps).toBe(b.timestamps);
    expect(cachedBytes([a, b])).toBe(cachedBytes([a]) + cachedBytes([b]) - a.timestamps.byteLength);
  });

  test("opens a file only to decode an entry of it that the cache lacks", async () => {
    const { entries, paths } = await files();
    const cache = new QueryCache(1 << 30);
    const opened: number[] = [];
    const open = (f: number) => {
      opened.push(f);
      return Promise.resolve(paths[f]);
    };
    const range = { start: -1, end: 2 * H };
    await readCached(cache, entries, open, ["node_load1"], [], range);
    // node_load1 is in the first two files only.
    expect(opened.sort()).toEqual([0, 1]);
    opened.length = 0;
    await readCached(cache, entries, open, ["node_load1"], [], range);
    expect(opened).toEqual([]);
    await readCached(cache, entries, open, ["up", "node_load1"], [], range);
    expect(opened.sort()).toEqual([0, 1, 2]);
  });

  test("marks the series that hold no staleness marker, and those that never drop", () => {
    const ts = Float64Array.from([0, 15_000, 30_000]);
    const stale = Float64Array.from([1, 2, 0]);
    writeStale(new Uint32Array(stale.buffer), 2);
    const series = (name: string, values: number[] | Float64Array): StoredSeries => ({
      labels: ["__name__", name],
      hash: BigInt(name.length),
      timestamps: ts,
      values: Float64Array.from(values),
    });
    const marked = forCache([
      series("rising", [1, 1, 2]),
      series("reset", [5, 6, 1]),
      series("gap", [1, Number.NaN, 0]),
      series("stale", stale),
      series("fractions", [0.25, 0.5, 0.125]),
    ]).map((s) => [s.clean, s.noDrops, s.drops && [...s.drops]]);
    // A NaN is neither lower nor higher than its neighbours, as in the rate kernels. Only
    // series kept narrow keep their drops: rate() reads them with the narrow values alone.
    expect(marked).toEqual([
      [true, true, []],
      [true, false, [2]],
      [true, true, undefined],
      [false, true, undefined],
      [true, false, undefined],
    ]);
  });

  test("keeps the drops of a series only when few: a counter's resets, not a gauge's", () => {
    const n = 160;
    const timestamps = Float64Array.from({ length: n }, (_, i) => i * 15_000);
    const series = (name: string, value: (i: number) => number): StoredSeries => {
      const labels = ["__name__", name];
      const values = Float64Array.from({ length: n }, (_, i) => value(i));
      return { labels, hash: BigInt(name.length), timestamps, values };
    };
    const [counter, gauge] = forCache([
      // Ten resets in 160 samples: one in 16.
      series("counter", (i) => (i + 8) % 16),
      series("seesaw", (i) => i % 2),
    ]);
    expect(counter.drops?.length).toBe(10);
    // Rate over it scans the values for resets instead.
    expect(gauge.narrow).toBeDefined();
    expect(gauge.drops).toBeUndefined();
    expect(gauge.noDrops).toBe(false);
  });

  test("hands a cut slice the drops inside it, counted from its start", () => {
    const values = Float64Array.from([5, 1, 2, 0, 3, 1, 4]);
    const drops = dropsOf(values);
    expect([...drops]).toEqual([1, 3, 5]);
    expect([...dropsWithin(drops, 0, 7)]).toEqual([1, 3, 5]);
    // A drop at the cut's first sample has nothing before it there: not a drop of the slice.
    expect([...dropsWithin(drops, 1, 6)]).toEqual([2, 4]);
    expect([...dropsWithin(drops, 3, 5)]).toEqual([]);
    expect([...dropsWithin(drops, 2, 4)]).toEqual([1]);
  });

  test("keeps values that fit as 32-bit offsets from the first, rebuilding each exactly", () => {
    const ts = Float64Array.from([0, 15_000, 30_000]);
    const big = 2 ** 52;
    const cases: [number[], boolean][] = [
      [[7, 9, 3], true],
      [[big, big + 2 ** 31 - 1, big - 2 ** 31], true],
      [[0.5, 1.5, -2.5], true],
      [[0, 2 ** 31, 1], false],
      [[-3, 0, -(2 ** 31) - 3], true],
      [[-3, 0, -(2 ** 31) - 4], false],
      [[1, 1.25, 2], false],
      [[1, Number.NaN, 2], false],
      [[1, Number.POSITIVE_INFINITY], false],
      [[1, -0], false],
      [[2 ** 53, 2 ** 53 + 2], true],
      [[2 ** 54, 2 ** 54 + 1], true],
    ];
    for (const [values, fits] of cases) {
      const [s] = forCache([
        { labels: [], hash: 1n, timestamps: ts, values: Float64Array.from(values) },
      ]);
      expect(s.narrow !== undefined).toBe(fits);
      if (s.narrow) {
        const rebuilt = Array.from(s.narrow.offsets, (d) => s.narrow!.base + d);
        expect(rebuilt).toEqual(values);
      }
    }
  });

  test("narrows an entry to the series in the postings of every name=value matcher", () => {
    const ts = Float64Array.from([0]);
    const series = [
      ["a", "x", "b", "1"],
      ["a", "x", "b", "2"],
      ["a", "y", "b", "1"],
      ["a", "x", "b", "1", "c", "9"],
    ].map((labels, i) => ({ labels, hash: BigInt(i), timestamps: ts, values: ts }));
    for (const index of [false, true]) {
      const cache = new QueryCache(1 << 20);
      const entry = cache.set("k", "m", series, { index });
      const eq = (name: string, value: string) => ({ name, value });
      expect(cache.candidates(entry, [])).toBeNull();
      expect(cache.candidates(entry, [eq("a", "x")])).toEqual([0, 1, 3]);
      expect(cache.candidates(entry, [eq("a", "x"), eq("b", "1")])).toEqual([0, 3]);
      expect(cache.candidates(entry, [eq("b", "1"), eq("a", "x"), eq("c", "9")])).toEqual([3]);
      expect(cache.candidates(entry, [eq("a", "x"), eq("d", "1")])).toEqual([]);
      // Postings built for a query count in the entry's bytes and the cache's.
      expect(cache.bytes).toBe(entry.bytes);
    }
  });

  test("counts the postings a query builds in the bytes of the entry and the cache", () => {
    const ts = Float64Array.from([0]);
    const series = [0, 1, 2].map((i) => {
      const labels = ["__name__", "m", "pod", `p${i}`];
      return { labels, hash: BigInt(i), timestamps: ts, values: ts };
    });
    const cache = new QueryCache(1 << 20);
    const entry = cache.set("k", "m", series);
    const before = cache.bytes;
    expect(cache.candidates(entry, [{ name: "pod", value: "p1" }])).toEqual([1]);
    const built = cache.bytes - before;
    // The map, and a list of one index for each of the three values.
    expect(built).toBe(POSTINGS_BYTES + 3 * (VALUE_POSTINGS_BYTES + POSTING_BYTES));
    expect(entry.bytes).toBe(cache.bytes);
    // Built once.
    cache.candidates(entry, [{ name: "pod", value: "p2" }]);
    expect(cache.bytes - before).toBe(built);
  });

  test("joins the times of series with the same slices once, and their values each", () => {
    const a = Float64Array.from([0, 1]);
    const b = Float64Array.from([2, 3]);
    const joiner = new TimesJoiner();
    const series = (times: Float64Array[], v: number) =>
      new PartedSeries(
        ["__name__", "x"],
        times.map((timestamps) => ({ timestamps, values: timestamps.map((t) => t * v) })),
        joiner,
      );
    const [x, y, z] = [
      series([a, b], 1),
      series([a, b], 2),
      series([a, Float64Array.from([5])], 1),
    ];
    expect(Array.from(x.timestamps)).toEqual([0, 1, 2, 3]);
    expect(y.timestamps).toBe(x.timestamps);
    expect(Array.from(y.values)).toEqual([0, 2, 4, 6]);
    expect(Array.from(z.timestamps)).toEqual([0, 1, 5]);
  });

  test("joins a long read as it goes when its hourly entries outgrow the budget, answering the same", async () => {
    // 12 merged hours of 2,000 series with 4 samples each: the hourly entries are mostly their
    // objects (~0.5 KB a series and file), 12 MB in all, against an 8 MB budget; joined, the
    // 12 hours are under 2 MB, a quarter of it.
    const entries: FileEntry[] = [];
    const paths: string[] = [];
    for (let h = 0; h < 12; h++) {
      const samples: TestSample[] = [];
      for (let i = 0; i < 2000; i++) {
        for (let k = 0; k < 4; k++) {
          const labels = { __name__: "c_total", i: String(i) };
          samples.push({ labels, t: h * H + k * 15_000, v: h * 4 + k + i });
        }
      }
      const path = join(dir, `long-${h}.parquet`);
      const st = await writeMetricsFile(sampleRows(samples), path);
      paths.push(path);
      entries.push({
        ...{ key: `long${h}`, tenant: "t", signal: "metrics", tier: "raw", hour: h * H },
        ...{ minTime: st.minTime, maxTime: st.maxTime, rows: st.rows, bytes: st.bytes },
        ...{ metrics: st.metrics, seqs: [], level: 1, created: h },
      });
    }
    const range = { start: 0, end: 12 * H };
    const want = await stored(paths, ["c_total"], [], range);
    const budget = 8 << 20;
    // Each file decoded alone into its hourly entry, as files too large to batch are.
    const read = async (joinEvery: number, batchFiles = 1) => {
      readTuning.joinEvery = joinEvery;
      decodeTuning.batchFiles = batchFiles;
      try {
        const cache = new QueryCache(budget);
        const got = text(await readCached(cache, entries, at(paths), ["c_total"], [], range));
        return { got, joins: cache.joins, cache };
      } finally {
        readTuning.joinEvery = 1 / 8;
        decodeTuning.batchFiles = 24;
      }
    };
    // The reference joins nothing inside the query (only after it, if every entry is held).
    const reference = await read(0);
    expect(reference.got).toEqual(want);
    expect(reference.joins).toBe(0);
    const asItGoes = await read(1 / 8);
    expect(asItGoes.got).toEqual(want);
    expect(asItGoes.joins).toBeGreaterThan(0);
    expect(asItGoes.cache.bytes).toBeLessThanOrEqual(budget);
    // Read again, the joined hours come from memory: fewer files decoded than the first time.
    const misses = asItGoes.cache.misses;
    const again = await readCached(asItGoes.cache, entries, at(paths), ["c_total"], [], range);
    expect(text(again)).toEqual(want);
    expect(asItGoes.cache.misses - misses).toBeLessThan(misses);
    // Decoded in one batch, the hours make one joined entry at once, within the budget too.
    const batched = await read(1 / 8, 24);
    expect(batched.got).toEqual(want);
    expect(batched.cache.decodes).toBe(1);
    expect(batched.cache.bytes).toBeLessThanOrEqual(budget / 4);
  });

  test("keeps within its byte budget and forgets files no longer live", async () => {
    const { entries, paths } = await files();
    const cache = new QueryCache(1 << 20);
    await readCached(cache, entries, at(paths), ["up", "node_load1"], [], {
      start: 0,
      end: 2 * H,
    });
    expect(cache.bytes).toBeGreaterThan(0);
    expect(cache.bytes).toBeLessThanOrEqual(1 << 20);
    cache.retain((key) => key !== "k0");
    cache.get("k0", "up");
    expect(cache.misses).toBeGreaterThan(0);
    cache.retain(() => false);
    expect(cache.bytes).toBe(0);
  });

  test("decodes consecutive merged files together into one joined entry, answering the same", async () => {
    // Eight hours: merged but for a flush file at hour 5; series come and go; a marker and NaN.
    const entries: FileEntry[] = [];
    const paths: string[] = [];
    for (let h = 0; h < 8; h++) {
      const samples: TestSample[] = [];
      for (let i = 0; i < 30; i++) {
        if (i % 7 === h % 7) continue;
        for (let k = 0; k < 3; k++) {
          const v = i === 3 && k === 1 ? "stale" : i === 4 && k === 2 ? Number.NaN : h * 3 + k + i;
          samples.push({ labels: { __name__: "c_total", i: String(i) }, t: h * H + k * 15_000, v });
        }
      }
      const path = join(dir, `batch-${h}.parquet`);
      const st = await writeMetricsFile(sampleRows(samples), path);
      paths.push(path);
      entries.push({
        ...{ key: `batch${h}`, tenant: "t", signal: "metrics", tier: "raw", hour: h * H },
        ...{ minTime: st.minTime, maxTime: st.maxTime, rows: st.rows, bytes: st.bytes },
        ...{ metrics: st.metrics, seqs: [], level: h === 5 ? 0 : 1, created: h },
      });
    }
    const range = { start: 0, end: 8 * H };
    const want = await stored(paths, ["c_total"], [], range);
    const read = async (
      batchFiles: number,
      before?: (cache: QueryCache) => Promise<void>,
      readAhead = true,
    ) => {
      decodeTuning.batchFiles = batchFiles;
      decodeTuning.readAhead = readAhead;
      try {
        const cache = new QueryCache(1 << 30);
        await before?.(cache);
        const decodes = cache.decodes;
        const got = text(await readCached(cache, entries, at(paths), ["c_total"], [], range));
        const again = text(await readCached(cache, entries, at(paths), ["c_total"], [], range));
        const joined = entries.map((e) => cache.peek(e.key, "c_total")?.joined?.files.length ?? 1);
        return { got, again, joined, decodes: cache.decodes - decodes };
      } finally {
        decodeTuning.batchFiles = 24;
        decodeTuning.readAhead = true;
      }
    };
    const reference = await read(1);
    expect(reference.got).toEqual(want);
    expect(reference.decodes).toBe(8);
    // Hours 0–4 in one read, 5 alone (a flush file), 6–7 in one; read again from memory.
    const batched = await read(24);
    expect(batched.got).toEqual(want);
    expect(batched.again).toEqual(want);
    expect(batched.decodes).toBe(3);
    expect(batched.joined).toEqual([5, 5, 5, 5, 5, 1, 2, 2]);
    // A file already held ends a batch: hours 0–1, then 3–4.
    const held = await read(24, async (cache) => {
      await readCached(cache, entries.slice(2, 3), at(paths.slice(2, 3)), ["c_total"], [], range);
    });
    expect(held.got).toEqual(want);
    expect(held.decodes).toBe(4);
    // Batches of two, each read while the one before is joined, or each in its turn: the same.
    const ahead = await read(2);
    const inTurn = await read(2, undefined, false);
    expect(ahead.got).toEqual(want);
    expect(inTurn.got).toEqual(want);
    expect(ahead.joined).toEqual([2, 2, 2, 2, 1, 1, 2, 2]);
    expect(ahead.joined).toEqual(inTurn.joined);
    expect(ahead.decodes).toBe(inTurn.decodes);
    // Files the catalog counts 1.5 M rows each (other metrics'): the first alone, then the
    // metric's own rows, measured, let the others go together.
    const big = entries.map((e) => ({ ...e, rows: 1_500_000, level: 1 }));
    const cache = new QueryCache(1 << 30);
    const got = await readCached(cache, big, at(paths), ["c_total"], [], range);
    expect(text(got)).toEqual(want);
    expect(cache.decodes).toBe(2);
  });
});
