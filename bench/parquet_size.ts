/**
 * Size and speed of the aggregator's Parquet files (aggregator/storage/parquet) on the team's
 * benchmark data (../shared/bench/gen_openmetrics.py, cached in bench/.cache). Each hour is
 * written as four 15-minute flush files (writeMetricsFile), merged into one (mergeFiles), and
 * rolled up to 1 m and 5 m (writeRollupFile), as the aggregator does.
 *
 *   bun bench/parquet_size.ts                       10,000 series × 24 h (57.6 M samples)
 *   bun bench/parquet_size.ts --quick               1,000 series × 2 h
 *   bun bench/parquet_size.ts --series N --hours H
 *
 * Prints `name value unit` lines. `parquet_bytes_per_sample` is the headline: bytes of the
 * merged hourly files over samples (Prometheus 2.42 takes 1.85–1.94 on the same data).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readOpenMetricsFile } from "../aggregator/import/openmetrics.ts";
import { mergeFiles } from "../aggregator/storage/parquet/compact.ts";
import { closeDb } from "../aggregator/storage/parquet/db.ts";
import { readMetricsFiles } from "../aggregator/storage/parquet/reader.ts";
import { writeRollupFile } from "../aggregator/storage/parquet/rollup.ts";
import { writeMetricsFile } from "../aggregator/storage/parquet/writer.ts";
import type { SampleRows, SeriesRef } from "../aggregator/storage/storage.ts";
import { generate } from "./lib/replay.ts";
import { progress } from "./lib/services.ts";

const HOUR = 3_600_000;
const FLUSHES_PER_HOUR = 4;

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
  },
  strict: false,
});
const seriesCount = Number(flags.series ?? (flags.quick ? 1000 : 10_000));
const hours = Number(flags.hours ?? (flags.quick ? 2 : 24));

/** Growable columns of one hour; `series` indices are global. */
class HourRows {
  length = 0;
  seriesIndex = new Int32Array(1 << 16);
  timestamps = new Float64Array(1 << 16);
  values = new Float64Array(1 << 16);

  push(s: number, t: number, words: Uint32Array, i: number): void {
    if (this.length === this.seriesIndex.length) this.grow();
    const k = this.length++;
    this.seriesIndex[k] = s;
    this.timestamps[k] = t;
    const w = new Uint32Array(this.values.buffer);
    w[2 * k] = words[2 * i];
    w[2 * k + 1] = words[2 * i + 1];
  }

  private grow(): void {
    const n = this.seriesIndex.length * 2;
    const si = new Int32Array(n);
    si.set(this.seriesIndex);
    const ts = new Float64Array(n);
    ts.set(this.timestamps);
    const vs = new Float64Array(n);
    vs.set(this.values);
    this.seriesIndex = si;
    this.timestamps = ts;
    this.values = vs;
  }

  /** Rows with `from <= ts < to`, as SampleRows over `series`. */
  slice(series: SeriesRef[], from: number, to: number): SampleRows {
    const inside = (k: number) => this.timestamps[k] >= from && this.timestamps[k] < to;
    let n = 0;
    for (let k = 0; k < this.length; k++) if (inside(k)) n++;
    const seriesIndex = new Int32Array(n);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    const valueWords = new Uint32Array(values.buffer);
    const src = new Uint32Array(this.values.buffer);
    for (let k = 0, j = 0; k < this.length; k++) {
      if (!inside(k)) continue;
      seriesIndex[j] = this.seriesIndex[k];
      timestamps[j] = this.timestamps[k];
      valueWords[2 * j] = src[2 * k];
      valueWords[2 * j + 1] = src[2 * k + 1];
      j++;
    }
    return { series, length: n, seriesIndex, timestamps, values, valueWords };
  }
}

/** Reads the generated file into one HourRows per hour. */
async function load(file: string) {
  const series: SeriesRef[] = [];
  const ids = new Map<SeriesRef, number>();
  const byHour = new Map<number, HourRows>();
  await readOpenMetricsFile(file, async (rows) => {
    const local = rows.series.map((s) => {
      let id = ids.get(s);
      if (id === undefined) {
        id = series.length;
        ids.set(s, id);
        series.push(s);
      }
      return id;
    });
    for (let i = 0; i < rows.length; i++) {
      const t = rows.timestamps[i];
      const h = Math.floor(t / HOUR) * HOUR;
      let part = byHour.get(h);
      if (!part) {
        part = new HourRows();
        byHour.set(h, part);
      }
      part.push(local[rows.seriesIndex[i]], t, rows.valueWords, i);
    }
  });
  return { series, byHour };
}

/** Seconds `fn` takes. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

const totals = { samples: 0, flushBytes: 0, mergedBytes: 0, rollupBytes: 0 };
const secs = { write: 0, merge: 0, rollup: 0, read: 0 };

async function benchHour(dir: string, series: SeriesRef[], hour: number, rows: HourRows) {
  const quarter = HOUR / FLUSHES_PER_HOUR;
  const flushes: string[] = [];
  for (let q = 0; q < FLUSHES_PER_HOUR; q++) {
    const part = rows.slice(series, hour + q * quarter, hour + (q + 1) * quarter);
    const path = join(dir, `flush-${hour}-${q}.parquet`);
    const [stats, s] = await timed(() => writeMetricsFile(part, path));
    secs.write += s;
    totals.flushBytes += stats.bytes;
    flushes.push(path);
  }
  const merged = join(dir, `hour-${hour}.parquet`);
  const [stats, sm] = await timed(() => mergeFiles(flushes, merged));
  secs.merge += sm;
  totals.samples += stats.rows;
  totals.mergedBytes += stats.bytes;
  const rollups: string[] = [];
  for (const step of [60_000, 300_000] as const) {
    const out = join(dir, `rollup-${hour}-${step}.parquet`);
    rollups.push(out);
    const [r, sr] = await timed(() => writeRollupFile([merged], out, step));
    secs.rollup += sr;
    totals.rollupBytes += r.bytes;
  }
  const [, sq] = await timed(() => readMetricsFiles([merged], { start: hour, end: hour + HOUR }));
  secs.read += sq;
  await Promise.all([...flushes, merged, ...rollups].map((p) => rm(p, { force: true })));
}

const file = generate(seriesCount, hours);
progress(`parquet_size: loading ${file}`);
const [{ series, byHour }, loadSecs] = await timed(() => load(file));
progress(`parquet_size: ${series.length} series, ${byHour.size} hours in ${loadSecs.toFixed(1)} s`);
const dir = await mkdtemp(join(tmpdir(), "outpost-parquet-bench-"));
try {
  for (const [hour, rows] of [...byHour].sort((a, b) => a[0] - b[0])) {
    await benchHour(dir, series, hour, rows);
    byHour.delete(hour);
    progress(`parquet_size: hour ${new Date(hour).toISOString()} done`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await closeDb();
}
const n = totals.samples;
const line = (name: string, value: number, unit: string) => console.log(`${name} ${value} ${unit}`);
line("parquet_bytes_per_sample", +(totals.mergedBytes / n).toFixed(3), "bytes");
line("parquet_flush_bytes_per_sample", +(totals.flushBytes / n).toFixed(3), "bytes");
line("parquet_rollup_bytes_per_sample", +(totals.rollupBytes / n).toFixed(3), "bytes");
line("parquet_write_rows_per_s", Math.round(n / secs.write), "rows/s");
line("parquet_merge_rows_per_s", Math.round(n / secs.merge), "rows/s");
line("rollup_rows_per_s", Math.round((2 * n) / secs.rollup), "rows/s");
line("parquet_read_rows_per_s", Math.round(n / secs.read), "rows/s");
