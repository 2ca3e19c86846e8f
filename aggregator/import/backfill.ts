/**
 * `outpost import`: backfills an OpenMetrics file with timestamps into the bucket, as
 * `promtool tsdb create-blocks-from openmetrics` does for Prometheus. Chunks of the file become
 * Parquet files committed to the catalog as they are written; then the compactor merges each
 * hour into one file and writes its rollups, exactly as it does for ingested data.
 */
import { join } from "node:path";
import { logger } from "../../shared/log/log.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { AggregatorConfig } from "../config/schema.ts";
import { openBucket } from "../storage/bucket/config.ts";
import { Catalog } from "../storage/catalog/catalog.ts";
import { Compactor } from "../storage/compact/compactor.ts";
import { writeAndCommit } from "../storage/flush.ts";
import { Pins } from "../storage/union.ts";
import { readOpenMetricsFile } from "./openmetrics.ts";

const log = logger("import");

/** What an import did. */
export interface BackfillResult {
  samples: number;
  series: number;
  files: number;
  /** Oldest and newest imported sample (Unix ms; Infinity/-Infinity when none). */
  minTime: number;
  maxTime: number;
  /** Wall time of reading and writing, and of the compaction after it. */
  writeMs: number;
  compactMs: number;
}

/** How an import writes, for imports too big for the defaults' time or file count. */
export interface BackfillOptions {
  /** zstd level of the merged and rollup files (the compactor's, 19, by default). */
  level?: number;
  /**
   * Rows read before they are written (4 M by default). A generated file lists each series'
   * whole range before the next series, so every chunk spreads over every hour: a month in
   * chunks of 4 M rows wrote ~20 small files per hour. Memory grows by ~60 bytes a row.
   */
  chunkRows?: number;
}

/** Imports `file` into the storage `config` names under `tenant`. */
export async function backfill(
  config: AggregatorConfig,
  file: string,
  tenant = "default",
  opts: BackfillOptions = {},
): Promise<BackfillResult> {
  const registry = new Registry();
  const bucket = openBucket(config.storage, { baseDir: config.baseDir, registry });
  const writer = `${config.aggregator.id}-import`;
  const catalog = new Catalog({
    bucket,
    writer,
    localDir: join(config.aggregator.data_dir, "catalog"),
  });
  await catalog.load();
  const tmpDir = join(config.aggregator.data_dir, "tmp");
  const started = performance.now();
  let files = 0;
  const written = new Set<string>();
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  const stats = await readOpenMetricsFile(
    file,
    async (rows) => {
      const entries = await writeAndCommit({ bucket, catalog, writer, tmpDir, kind: "import" }, [
        { tenant, rows, refs: [] },
      ]);
      files += entries.length;
      for (const e of entries) {
        written.add(`${e.tenant}/${e.hour}`);
        minTime = Math.min(minTime, e.minTime);
        maxTime = Math.max(maxTime, e.maxTime);
      }
    },
    { chunkRows: opts.chunkRows ?? 4_000_000 },
  );
  const writeMs = performance.now() - started;
  log.info("Imported; compacting", { samples: stats.samples, files });
  // Compact the hours this import wrote (a running aggregator's compactor may also get to them
  // first; merges deduplicate, so that only costs time). Nobody can have been reading these
  // chunk files for long: delete merged inputs at once. Retention is left to the aggregators'
  // compactor (the CLI warns about data it will drop).
  const compactor = new Compactor({
    bucket,
    catalog,
    writer,
    tmpDir,
    config: {
      ...config.compaction,
      delete_delay: 0,
      retention_raw: 0,
      retention_1m: 0,
      retention_5m: 0,
      retention_1h: 0,
    },
    pins: new Pins(),
    registry,
    orphanAgeMs: config.nats.ack_wait,
    // Only the metric hours this import wrote: log files there belong to a running aggregator.
    scope: (f) => f.signal === "metrics" && written.has(`${f.tenant}/${f.hour}`),
    level: opts.level,
  });
  const compactStart = performance.now();
  await compactor.run(Date.now());
  return {
    samples: stats.samples,
    series: stats.series,
    files,
    minTime,
    maxTime,
    writeMs,
    compactMs: performance.now() - compactStart,
  };
}
