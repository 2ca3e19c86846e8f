/** Helpers for the Parquet tests: build `SampleRows` from readable sample lists. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSeries, labelsFromRecord, seriesHash } from "../../../shared/model/labels.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import type { FileEntry } from "../catalog/entry.ts";
import type { SampleRows, SeriesRef } from "../storage.ts";
import { withConnection } from "./db.ts";
import type { StoredSeries } from "./reader.ts";
import { writeRollupFile } from "./rollup.ts";
import { writeMetricsFile } from "./writer.ts";

/** A sample as tests write it; `v: "stale"` is a staleness marker. */
export interface TestSample {
  labels: Record<string, string>;
  t: number;
  v: number | "stale";
}

/** Builds columnar rows from samples, in the given order, one SeriesRef per distinct label set. */
export function sampleRows(samples: readonly TestSample[]): SampleRows {
  const series: SeriesRef[] = [];
  const index = new Map<string, number>();
  const n = samples.length;
  const values = new Float64Array(n);
  const valueWords = new Uint32Array(values.buffer);
  const rows = {
    series,
    length: n,
    seriesIndex: new Int32Array(n),
    timestamps: new Float64Array(n),
    values,
    valueWords,
  };
  samples.forEach((s, i) => {
    const labels = labelsFromRecord(s.labels);
    const key = labels.join("\xff");
    let idx = index.get(key);
    if (idx === undefined) {
      idx = series.length;
      index.set(key, idx);
      series.push({ labels, hash: seriesHash(labels), metric: s.labels.__name__ ?? "" });
    }
    rows.seriesIndex[i] = idx;
    rows.timestamps[i] = s.t;
    if (s.v === "stale") writeStale(valueWords, i);
    else values[i] = s.v;
  });
  return rows;
}

/** `count` regular series × `perSeries` samples 15 s apart: counters, gauges and decimals. */
export function syntheticRows(
  count: number,
  perSeries: number,
  start = 1_704_063_600_000,
): SampleRows {
  const series: SeriesRef[] = [];
  for (let s = 0; s < count; s++) {
    const labels = labelsFromRecord({
      __name__: s % 3 === 0 ? "requests_total" : s % 3 === 1 ? "in_flight" : "cpu_seconds_total",
      instance: `10.0.${s >> 8}.${s & 255}:8080`,
      job: `job-${s % 7}`,
    });
    series.push({ labels, hash: seriesHash(labels), metric: labels[1] });
  }
  const rows = emptyRows(series, count * perSeries);
  const values = rows.values;
  // Time-major, as a scrape delivers them.
  for (let i = 0, k = 0; i < perSeries; i++) {
    for (let s = 0; s < count; s++, k++) {
      rows.seriesIndex[k] = s;
      rows.timestamps[k] = start + i * 15_000;
      values[k] =
        s % 3 === 0 ? s * 1000 + i * 37 : s % 3 === 1 ? (s + i) % 11 : (s + i * 1.25) / 100;
    }
  }
  return rows;
}

/** Rows of `series` with room for `n` samples, to be filled in place. */
export function emptyRows(series: SeriesRef[], n: number): SampleRows {
  const values = new Float64Array(n);
  return {
    series,
    length: n,
    seriesIndex: new Int32Array(n),
    timestamps: new Float64Array(n),
    values,
    valueWords: new Uint32Array(values.buffer),
  };
}

/** Runs `sql` on the shared DuckDB instance and returns its rows as JS values. */
export function queryRows(sql: string): Promise<unknown[][]> {
  return withConnection(async (conn) => (await conn.runAndReadAll(sql)).getRowsJS());
}

/** Reads a metrics file as `[metric, labels, ts ms, value]` rows in file order. */
export function fileRows(path: string): Promise<unknown[][]> {
  return queryRows(
    `SELECT metric, labels::VARCHAR, epoch_ms(ts)::DOUBLE, value FROM read_parquet('${path}')`,
  );
}

/** A temp folder of metric files for a test file: `file()` writes samples as its next file. */
export function metricFiles(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let written = 0;
  return {
    dir,
    async file(samples: readonly TestSample[]): Promise<string> {
      const path = join(dir, `f${written++}.parquet`);
      await writeMetricsFile(sampleRows(samples), path);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Series read back as text: labels, hash, times and the values' 32-bit words (so a NaN's
 * payload and −0 count), what two ways of reading must give alike.
 */
export function seriesTexts(series: readonly StoredSeries[]): string[] {
  return series.map((s) => {
    const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.values.length);
    return `${formatSeries(s.labels)} ${s.hash} ${[...s.timestamps]} ${[...words]}`;
  });
}

/**
 * `hours` 5 m rollup files of metric `m` in `dir` (`r<h>.parquet`), one an hour from `t0`,
 * each of series `job` "a", "b" and "c" at 15 s, valued `value(job, hour, ms into the hour)`;
 * with catalog entries keyed `k<h>`. For the tests of the rollup cache and its disk.
 */
export async function writeRollupHours(
  dir: string,
  t0: number,
  hours: number,
  value: (job: string, hour: number, t: number) => number,
): Promise<{ paths: string[]; files: FileEntry[] }> {
  const H = 3_600_000;
  const paths: string[] = [];
  const files: FileEntry[] = [];
  for (let h = 0; h < hours; h++) {
    const samples: TestSample[] = [];
    for (const job of ["a", "b", "c"]) {
      for (let t = 0; t < H; t += 15_000)
        samples.push({ labels: { __name__: "m", job }, t: t0 + h * H + t, v: value(job, h, t) });
    }
    const raw = join(dir, `raw${h}.parquet`);
    await writeMetricsFile(sampleRows(samples), raw);
    paths.push(join(dir, `r${h}.parquet`));
    await writeRollupFile([raw], paths[h], 300_000);
    files.push({ key: `k${h}`, hour: t0 + h * H } as FileEntry);
  }
  return { paths, files };
}
