/**
 * The cold read of merged hourly metric files, as a query pays it the first time after a
 * start: each (file, metric) decoded from Parquet into the query cache's series. Writes
 * `--hours` files of `--series` series (one metric) with a sample every `--every` seconds at
 * the merge's zstd level, then reads each file alone, as readCached does, and prints the time
 * per hour and per series. Then reads them all through an empty query cache (readCached, as a
 * query over the hours does), with consecutive files decoded together and with each alone.
 *
 *   bun bench/parquet_cold_read.ts [--series 10000] [--hours 6] [--every 300] [--keep DIR]
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { forCache, QueryCache } from "../aggregator/storage/cache/cache.ts";
import { readCached } from "../aggregator/storage/cache/cached_read.ts";
import { decodeTuning } from "../aggregator/storage/cache/read_missing.ts";
import type { FileEntry } from "../aggregator/storage/catalog/entry.ts";
import { withConnection } from "../aggregator/storage/parquet/db.ts";
import { ALL_TIME, readMetricsFiles } from "../aggregator/storage/parquet/reader.ts";
import { COMPACT_LEVEL } from "../aggregator/storage/parquet/schema.ts";
import { fileStats } from "../aggregator/storage/parquet/stats.ts";
import { emptyRows } from "../aggregator/storage/parquet/testing.ts";
import { writeMetricsFile } from "../aggregator/storage/parquet/writer.ts";
import type { SampleRows, SeriesRef } from "../aggregator/storage/storage.ts";
import { labelsFromRecord, seriesHash } from "../shared/model/labels.ts";

const { values: flags } = parseArgs({
  options: {
    series: { type: "string", default: "10000" },
    hours: { type: "string", default: "6" },
    every: { type: "string", default: "300" },
    // Keeps the files in this folder, and reads them from there when they are already there.
    keep: { type: "string" },
  },
});
const seriesCount = Number(flags.series);
const hours = Number(flags.hours);
const everyMs = Number(flags.every) * 1000;
const HOUR = 3_600_000;
const start = 1_704_067_200_000;

/** One hour of a counter `bench_cold_total` over `seriesCount` series, time-major. */
function hourRows(hour: number): SampleRows {
  const perSeries = HOUR / everyMs;
  const series: SeriesRef[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const labels = labelsFromRecord({
      __name__: "bench_cold_total",
      instance: `10.0.${s >> 8}.${s & 255}:9100`,
      job: `job-${s % 20}`,
      mode: ["user", "system", "idle", "iowait"][s % 4],
    });
    series.push({ labels, hash: seriesHash(labels), metric: "bench_cold_total" });
  }
  const rows = emptyRows(series, seriesCount * perSeries);
  const values = rows.values;
  for (let i = 0, k = 0; i < perSeries; i++) {
    for (let s = 0; s < seriesCount; s++, k++) {
      rows.seriesIndex[k] = s;
      rows.timestamps[k] = start + hour * HOUR + (i + 1) * everyMs - (s % 7) * 1000;
      values[k] = (hour * perSeries + i) * (s % 13) + s;
    }
  }
  return rows;
}

function fileStatsOf(path: string) {
  return withConnection((conn) => fileStats(conn, path));
}

const dir = flags.keep ?? (await mkdtemp(join(tmpdir(), "outpost-cold-read-")));
try {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let h = 0; h < hours; h++) {
    const path = join(dir, `${seriesCount}-${everyMs}-h${h}.parquet`);
    if (!existsSync(path)) await writeMetricsFile(hourRows(h), path, { level: COMPACT_LEVEL });
    paths.push(path);
  }
  const read: number[] = [];
  const cache: number[] = [];
  for (const path of paths) {
    const t0 = performance.now();
    const series = await readMetricsFiles([path], { ...ALL_TIME, metrics: ["bench_cold_total"] });
    const t1 = performance.now();
    forCache(series);
    read.push(t1 - t0);
    cache.push(performance.now() - t1);
  }
  // The first file pays DuckDB's and the JIT's start: report the rest.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const r = median(read.slice(1));
  const c = median(cache.slice(1));
  console.log(`cold_read_hour_decode_ms ${r.toFixed(1)} ms`);
  console.log(`cold_read_hour_cache_ms ${c.toFixed(1)} ms`);
  console.log(`cold_read_series_us ${(((r + c) * 1000) / seriesCount).toFixed(2)} us`);
  const entries: FileEntry[] = [];
  for (let h = 0; h < hours; h++) {
    const stats = await fileStatsOf(paths[h]);
    entries.push({
      ...{ key: paths[h], tenant: "t", signal: "metrics", tier: "raw", hour: start + h * HOUR },
      ...{ minTime: stats.minTime, maxTime: stats.maxTime, rows: stats.rows, bytes: stats.bytes },
      ...{ metrics: stats.metrics, seqs: [], level: 1, created: h },
    });
  }
  for (const [name, batchFiles] of [
    ["batched", decodeTuning.batchFiles],
    ["alone", 1],
  ] as const) {
    decodeTuning.batchFiles = batchFiles;
    const cache = new QueryCache(4 << 30);
    const t0 = performance.now();
    await readCached(cache, entries, (f) => Promise.resolve(paths[f]), ["bench_cold_total"], [], {
      start,
      end: start + hours * HOUR,
    });
    const ms = performance.now() - t0;
    console.log(`cold_read_cached_${name}_hour_ms ${(ms / hours).toFixed(1)} ms`);
  }
} finally {
  if (flags.keep === undefined) await rm(dir, { recursive: true, force: true });
}
