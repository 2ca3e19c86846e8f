/**
 * Reads back what aggregators stored, straight from the bucket: the committed raw files of the
 * catalog, their row counts, and their samples. Tests compare it with what they published.
 */

import type { AggregatorConfig } from "../../aggregator/config/schema.ts";
import { openBucket } from "../../aggregator/storage/bucket/config.ts";
import { Catalog } from "../../aggregator/storage/catalog/catalog.ts";
import type { FileEntry } from "../../aggregator/storage/catalog/entry.ts";
import { ParquetLogQuerier } from "../../aggregator/storage/parquet/logs/querier.ts";
import { readMetricsFiles } from "../../aggregator/storage/parquet/reader.ts";
import { openCommitted } from "../../aggregator/storage/staging/staging.ts";
import { formatSeries } from "../../shared/model/labels.ts";

/** What the bucket holds for one tenant's raw metrics. */
export interface StoredData {
  files: FileEntry[];
  /** Sum of the committed raw files' rows: counts a duplicated sample twice. */
  rows: number;
  /** Samples by series (formatted) then timestamp, after collapsing duplicates. */
  samples: Map<string, Map<number, number>>;
}

/** Loads the catalog from the bucket of `config` (a fresh copy) and reads every raw file. */
export async function readStored(
  config: AggregatorConfig,
  tenant = "default",
): Promise<StoredData> {
  const bucket = openBucket(config.storage, { baseDir: config.baseDir });
  const catalog = new Catalog({ bucket, writer: "reader" });
  await catalog.load();
  const files = catalog.select({ tenant, signal: "metrics", tier: "raw" });
  const locals = await Promise.all(files.map((f) => openCommitted(bucket, f.key)));
  const series = await readMetricsFiles(
    locals.map((l) => l.path),
    { start: -8.64e15, end: 8.64e15 },
  );
  for (const l of locals) l.release();
  const samples = new Map<string, Map<number, number>>();
  for (const s of series) {
    const m = new Map<number, number>();
    for (let i = 0; i < s.timestamps.length; i++) m.set(s.timestamps[i], s.values[i]);
    samples.set(formatSeries(s.labels), m);
  }
  return { files, rows: files.reduce((n, f) => n + f.rows, 0), samples };
}

/** Every committed log line of a tenant, as `<ns> <line>` texts (a line stored twice is listed twice). */
export async function readStoredLogs(
  config: AggregatorConfig,
  tenant = "default",
): Promise<string[]> {
  const bucket = openBucket(config.storage, { baseDir: config.baseDir });
  const catalog = new Catalog({ bucket, writer: "reader" });
  await catalog.load();
  const files = catalog.select({ tenant, signal: "logs", tier: "raw" });
  const locals = await Promise.all(files.map((f) => openCommitted(bucket, f.key)));
  const out: string[] = [];
  try {
    const querier = new ParquetLogQuerier(locals.map((l) => l.path));
    const chunks = querier.select({
      matchers: [],
      startNs: -(2n ** 62n),
      endNs: 2n ** 62n,
      direction: "forward",
      lineFilters: [],
      limitHint: 0,
    });
    for await (const c of chunks)
      for (let i = 0; i < c.length; i++) out.push(`${c.timeNs[i]} ${c.lines[i]}`);
    querier.close();
  } finally {
    for (const l of locals) l.release();
  }
  return out;
}
