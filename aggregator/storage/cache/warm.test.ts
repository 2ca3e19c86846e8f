import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirBucket } from "../bucket/dir.ts";
import { Catalog } from "../catalog/catalog.ts";
import { type FileEntry, objectKey } from "../catalog/entry.ts";
import { sampleRows, type TestSample } from "../parquet/testing.ts";
import { writeMetricsFile } from "../parquet/writer.ts";
import { Pins } from "../union.ts";
import { QueryCache } from "./cache.ts";
import { warmCache, warmedMetric } from "./warm.ts";

const HOUR_MS = 3_600_000;
const START = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 6 * HOUR_MS;

let root: string;
let bucket: DirBucket;
let catalog: Catalog;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "warm-"));
  bucket = new DirBucket(join(root, "bucket"));
  catalog = new Catalog({ bucket, writer: "test" });
  await catalog.load();
});
afterEach(() => rm(root, { recursive: true, force: true }));

/**
 * Commits hour `h` (from START) of two counters and a gauge as a file of `level`, for
 * `tenant`, whose name the counters' pods carry.
 */
async function commitHour(h: number, level: number, tenant = "default"): Promise<FileEntry> {
  const hour = START + h * HOUR_MS;
  const samples: TestSample[] = [];
  for (let i = 0; i < 240; i++) {
    const t = hour + i * 15_000;
    for (const pod of ["a", "b"])
      samples.push({ labels: { __name__: "x_total", pod: `${tenant}-${pod}` }, t, v: t / 1000 });
    samples.push({ labels: { __name__: "temp", room: "1" }, t, v: (h * 240 + i) % 7 });
  }
  const local = join(root, `${tenant}-h${h}.parquet`);
  const s = await writeMetricsFile(sampleRows(samples), local);
  const key = objectKey(tenant, "metrics", "raw", hour, "test", level > 0 ? "merged" : "flush");
  const entry: FileEntry = {
    tenant,
    signal: "metrics",
    tier: "raw",
    hour,
    key,
    created: Date.now(),
    rows: s.rows,
    minTime: s.minTime,
    maxTime: s.maxTime,
    bytes: s.bytes,
    metrics: s.metrics,
    seqs: [],
    level,
  };
  await bucket.putFile(key, local);
  await catalog.commit({ add: [entry], remove: [] });
  return entry;
}

function warm(cache: QueryCache, joinEvery?: number, mergedOnly = false): Promise<number> {
  const options = { catalog, bucket, pins: new Pins(), cache, fill: 1, stopped: () => false };
  return warmCache({ ...options, spanMs: 24 * HOUR_MS, joinEvery, mergedOnly });
}

test("joins each metric's entries of consecutive merged files once warmed", async () => {
  const files = [];
  for (let h = 0; h < 4; h++) files.push(await commitHour(h, 1));
  // The newest hour is still in flush files: those are left apart.
  const flush = await commitHour(4, 0);
  const cache = new QueryCache(1 << 30);
  expect(await warm(cache)).toBe(10);
  expect(cache.joins).toBe(2);
  // The warm-up is no query: it counts neither hits nor misses.
  expect(cache.hits + cache.misses).toBe(0);
  for (const metric of ["x_total", "temp"]) {
    const joined = cache.get(files[0].key, metric)!;
    expect(joined.joined?.files).toEqual(files.map((f) => f.key));
    for (const f of files) expect(cache.get(f.key, metric)).toBe(joined);
    expect(cache.get(flush.key, metric)).not.toBe(joined);
  }
  const series = cache.get(files[2].key, "x_total")!.series;
  expect(series.length).toBe(2);
  expect(series[0].timestamps.length).toBe(4 * 240);
  expect(series[0].values[300]).toBe((START + 300 * 15_000) / 1000);
});

test("a later warm-up reads the hours merged since, joins them on, and leaves flush files", async () => {
  const files = [];
  for (let h = 0; h < 3; h++) files.push(await commitHour(h, 1));
  const cache = new QueryCache(1 << 30);
  expect(await warm(cache, undefined, true)).toBe(6);
  // Nothing new: every file is cached, nothing is read or joined again.
  const joins = cache.joins;
  expect(await warm(cache, undefined, true)).toBe(0);
  expect(cache.joins).toBe(joins);
  // Compaction merged the next hour; the hour after is still in a flush file.
  files.push(await commitHour(3, 1));
  const flush = await commitHour(4, 0);
  expect(await warm(cache, undefined, true)).toBe(2);
  for (const metric of ["x_total", "temp"]) {
    expect(cache.get(files[0].key, metric)!.joined?.files).toEqual(files.map((f) => f.key));
    expect(cache.has(flush.key, metric)).toBe(false);
  }
});

test("joins each tenant's entries apart", async () => {
  const files: Record<string, FileEntry[]> = { a: [], b: [] };
  for (let h = 0; h < 3; h++) {
    for (const tenant of ["a", "b"]) files[tenant].push(await commitHour(h, 1, tenant));
  }
  const cache = new QueryCache(1 << 30);
  await warm(cache);
  expect(cache.joins).toBe(4);
  for (const tenant of ["a", "b"]) {
    const joined = cache.get(files[tenant][0].key, "x_total")!;
    expect(joined.joined?.files).toEqual(files[tenant].map((f) => f.key));
    const pods = joined.series.map((s) => s.labels[s.labels.indexOf("pod") + 1]);
    expect(pods).toEqual([`${tenant}-a`, `${tenant}-b`]);
  }
});

test("joins as it reads, each time into the entry joined before, to the same entry", async () => {
  const files = [];
  for (let h = 0; h < 4; h++) files.push(await commitHour(h, 1));
  const once = new QueryCache(1 << 30);
  await warm(once);
  const asItGoes = new QueryCache(1 << 30);
  // A join after every file: the second newest joins the newest, then each older file
  // joins the entry joined before (three joins per metric).
  expect(await warm(asItGoes, 1)).toBe(8);
  expect(asItGoes.joins).toBe(6);
  expect(asItGoes.bytes).toBe(once.bytes);
  for (const metric of ["x_total", "temp"]) {
    const a = once.get(files[0].key, metric)!;
    const b = asItGoes.get(files[3].key, metric)!;
    expect(b.joined?.files).toEqual(files.map((f) => f.key));
    expect(b.series.map((s) => s.labels)).toEqual(a.series.map((s) => s.labels));
    for (let i = 0; i < a.series.length; i++) {
      expect(b.series[i].timestamps).toEqual(a.series[i].timestamps);
      expect(b.series[i].values).toEqual(a.series[i].values);
    }
  }
});

test("names the metric with the most series of the newest file for the query warm-up", async () => {
  const cache = new QueryCache(1 << 30);
  expect(warmedMetric(cache, catalog.all(), 24 * HOUR_MS)).toBeNull();
  for (let h = 0; h < 3; h++) await commitHour(h, 1);
  const newest = await commitHour(3, 0, "t1");
  // Nothing cached yet: nothing to run the shapes on.
  expect(warmedMetric(cache, catalog.all(), 24 * HOUR_MS)).toBeNull();
  await warm(cache);
  expect(warmedMetric(cache, catalog.all(), 2 * HOUR_MS)).toEqual({
    tenant: "t1",
    metric: "x_total",
    series: 2,
    toMs: newest.maxTime,
    fromMs: newest.maxTime - 2 * HOUR_MS,
  });
});
