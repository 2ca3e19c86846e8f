import { describe, expect, test } from "bun:test";
import { seriesHash } from "../../../shared/model/labels.ts";
import { dropsOf, writeStale } from "../../../shared/model/sample.ts";
import type { FileEntry } from "../catalog/entry.ts";
import type { StoredSeries } from "../parquet/reader.ts";
import type { SeriesSamples } from "../storage.ts";
import { type CachedMetric, type CacheMirror, QueryCache } from "./cache.ts";
import { NarrowPart } from "./cache_join.ts";
import { readCached } from "./cached_read.ts";

const H = 3_600_000;
const PER_HOUR = 240;

/** Series `name` over hour `h`: its values from `value(i)`, i counted from the day's start. */
function hourOf(name: string, h: number, value: (i: number) => number): StoredSeries {
  const labels = ["__name__", "m", "s", name];
  const timestamps = new Float64Array(PER_HOUR);
  const values = new Float64Array(PER_HOUR);
  for (let i = 0; i < PER_HOUR; i++) {
    timestamps[i] = h * H + i * 15_000;
    values[i] = value(h * PER_HOUR + i);
  }
  return { labels, hash: seriesHash(labels), timestamps, values };
}

/**
 * Three hourly files of metric `m`: a counter reset inside hour 0 and at the seam into hour
 * 1 (whole numbers: kept narrow), a gauge of fractions (wide), a series only in hour 1, and
 * one with a staleness marker in hour 2 (wide, the marker's bits kept).
 */
function hours(): StoredSeries[][] {
  return [0, 1, 2].map((h) => {
    const series = [
      hourOf("counter", h, (i) => (i < 100 ? 1e9 + i * 3 : i < PER_HOUR ? 500 + i : i - 200)),
      hourOf("gauge", h, (i) => Math.sin(i) * 100),
      hourOf("marked", h, (i) => i * 2),
    ];
    if (h === 2) writeStale(new Uint32Array(series[2].values.buffer), 17);
    if (h === 1)
      series.splice(
        1,
        0,
        hourOf("newcomer", h, (i) => i),
      );
    return series;
  });
}

function cacheOf(mirror?: CacheMirror): { cache: QueryCache; files: FileEntry[] } {
  const cache = new QueryCache(1 << 30, mirror);
  const files = hours().map((decoded, h) => {
    cache.set(`f${h}`, "m", decoded);
    return { key: `f${h}`, metrics: ["m"], level: 1 };
  });
  return { cache, files: files as unknown as FileEntry[] };
}

const entriesOf = (cache: QueryCache) => [0, 1, 2].map((h) => cache.get(`f${h}`, "m")!);

function read(cache: QueryCache, files: FileEntry[], start: number, end: number) {
  const notCached = () => Promise.reject(new Error("not in the cache"));
  return readCached(cache, files, notCached, ["m"], [], { start, end });
}

/** Series as text, sorted (readCached's order is its gathering's): labels and value bits. */
function text(series: readonly SeriesSamples[]): string[] {
  return series
    .map((s) => {
      const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.length);
      const samples = [...s.timestamps].map((t, i) => `${t}=${words[2 * i]}:${words[2 * i + 1]}`);
      return `${s.labels.join(",")} ${samples.join(" ")}`;
    })
    .sort();
}

describe("joined cache entries", () => {
  const ranges: [string, number, number][] = [
    ["the three hours", -1, 3 * H],
    ["a range cut inside the first and last hours", H / 2 + 1, 2 * H + 7_000],
    ["a range inside one hour", H + 60_000, H + 120_000],
  ];
  test.each(ranges)("give %s as the hourly entries do, bit for bit", async (_, start, end) => {
    const hourly = cacheOf();
    const want = text(await read(hourly.cache, hourly.files, start, end));
    const { cache, files } = cacheOf();
    const bytes = cache.bytes;
    const joined = await cache.join("m", entriesOf(cache));
    expect(joined).not.toBeNull();
    // Whole numbers are kept as offsets alone: 4 bytes a sample instead of 12.
    expect(cache.bytes).toBeLessThan(bytes);
    const got = await read(cache, files, start, end);
    expect(text(got)).toEqual(want);
    for (const s of got) {
      expect(s.parts?.length).toBe(1);
      // Values widened from offsets are made once per query, not at every read.
      expect(s.parts![0].values).toBe(s.parts![0].values);
    }
  });

  test("keep whole numbers narrow, with their drops, seams included", async () => {
    const { cache } = cacheOf();
    const joined = (await cache.join("m", entriesOf(cache)))!;
    const byName = new Map(joined.series.map((s) => [s.labels[3], s]));
    expect(byName.get("newcomer")!.timestamps.length).toBe(PER_HOUR);
    const counter = byName.get("counter")!;
    expect(counter.whole).toBeInstanceOf(NarrowPart);
    const values = counter.values;
    expect(values.length).toBe(3 * PER_HOUR);
    expect(values[99]).toBe(1e9 + 297);
    expect([...counter.drops!]).toEqual([...dropsOf(values)]);
    expect([...counter.drops!]).toEqual([100, PER_HOUR]);
    expect(counter.noDrops).toBe(false);
    // Fractions and staleness markers keep their 64-bit values.
    const marked = byName.get("marked")!;
    expect(marked.narrow).toBeUndefined();
    expect(marked.clean).toBe(false);
    expect(byName.get("gauge")!.narrow).toBeUndefined();
    // Their drops are not kept (only rate() over narrow values reads them), whether they drop.
    expect(byName.get("gauge")!.drops).toBeUndefined();
    expect(byName.get("gauge")!.noDrops).toBe(false);
    // Series scraped together share one joined timestamps array.
    expect(byName.get("gauge")!.timestamps).toBe(counter.timestamps);
  });

  test("stand for each of their files, and go when one of them does", async () => {
    const added: number[] = [];
    const dropped: number[] = [];
    const mirror = {
      added: (id: number) => added.push(id),
      dropped: (id: number) => dropped.push(id),
    };
    const { cache } = cacheOf(mirror);
    const run = entriesOf(cache);
    const joined = (await cache.join("m", run))!;
    expect(added).toContain(joined.id);
    expect(dropped.sort()).toEqual(run.map((e) => e.id).sort());
    for (const h of [0, 1, 2]) {
      expect(cache.has(`f${h}`, "m")).toBe(true);
      expect(cache.get(`f${h}`, "m")).toBe(joined);
    }
    // The entries it replaced are not joined again.
    expect(await cache.join("m", run)).toBeNull();
    cache.retain((file) => file !== "f1");
    expect(cache.has("f0", "m")).toBe(false);
    expect(cache.bytes).toBe(0);
    expect(dropped).toContain(joined.id);
  });

  test("are not made from files whose series overlap in time", async () => {
    const cache = new QueryCache(1 << 30);
    const a = cache.set("a", "m", [hourOf("x", 0, (i) => i)]);
    const b = cache.set("b", "m", [hourOf("x", 0, (i) => i + 1)]);
    expect(await cache.join("m", [a, b])).toBeNull();
    expect(cache.get("a", "m")).toBe(a);
    expect(cache.joins).toBe(0);
  });

  test("are made in the background after a query that read several files", async () => {
    const { cache, files } = cacheOf();
    const want = text(await read(cache, files, -1, 3 * H));
    for (let i = 0; i < 100 && cache.joins === 0; i++) await Bun.sleep(5);
    expect(cache.joins).toBe(1);
    const got = await read(cache, files, -1, 3 * H);
    expect(text(got)).toEqual(want);
    for (const s of got) expect(s.parts?.length).toBe(1);
    // A newer file then joins the joined entry.
    const next: CachedMetric = cache.set("f3", "m", [hourOf("counter", 3, (i) => i * 7)]);
    const more = [...files, { key: "f3", metrics: ["m"], level: 1 } as unknown as FileEntry];
    await read(cache, more, -1, 4 * H);
    for (let i = 0; i < 100 && cache.joins === 1; i++) await Bun.sleep(5);
    expect(cache.joins).toBe(2);
    expect(cache.get("f3", "m")).not.toBe(next);
    const counter = (await read(cache, more, -1, 4 * H)).find((s) => s.labels[3] === "counter")!;
    expect(counter.length).toBe(4 * PER_HOUR);
    expect(counter.parts?.length).toBe(1);
  });

  test("are not made from flush files, which merges replace within the hour", async () => {
    const { cache, files } = cacheOf();
    const flushed = files.map((f) => ({ ...f, level: 0 }));
    await read(cache, flushed, -1, 3 * H);
    await Bun.sleep(20);
    expect(cache.joins).toBe(0);
    expect((await read(cache, flushed, -1, 3 * H))[0].parts?.length).toBe(3);
  });
});
