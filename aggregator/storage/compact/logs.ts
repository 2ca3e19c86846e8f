/**
 * The log side of a merge: writes one file from a logs partition's flush files and describes
 * it for the catalog as a metrics merge does (the compactor commits it the same way).
 */
import type { FileEntry } from "../catalog/entry.ts";
import { mergeLogFiles } from "../parquet/logs/merge.ts";

/** What the compactor records about a written object. */
export interface ObjectStats {
  rows: number;
  minTime: number;
  maxTime: number;
  /** Metric names; for log files the distinct `job` values. */
  metrics: string[];
  bytes: number;
}

/**
 * Merges local copies (`paths`, in the order of `files`) of a partition's log files into
 * `out`. Logs are never deduplicated, so a merged file short of its inputs' rows is refused
 * before anything is committed.
 */
export async function mergeLogPartition(
  files: readonly FileEntry[],
  paths: string[],
  out: string,
): Promise<ObjectStats> {
  const stats = await mergeLogFiles(paths, out);
  const expected = files.reduce((n, f) => n + f.rows, 0);
  if (stats.rows !== expected) {
    throw new Error(
      `Cannot merge log files into ${out}: the inputs list ${expected} rows, the merge wrote ${stats.rows}`,
    );
  }
  const jobs = new Set(files.flatMap((f) => f.metrics));
  return {
    rows: stats.rows,
    minTime: stats.minTime,
    maxTime: stats.maxTime,
    metrics: [...jobs].sort(),
    bytes: stats.bytes,
  };
}
