/**
 * When a rollup file stands for the raw files of its partition (an hour; a day for 1 h
 * rollups): the one rule both the compactor (which rollups to write again) and the rollup
 * cover (which rollups a read may use) follow.
 */
import type { FileEntry } from "./catalog/entry.ts";
import { ROLLUP_SCHEMA } from "./parquet/rollup.ts";

/**
 * Whether `raw`, a partition's raw files, are merged one file an hour. A flush file, or two
 * files of one hour, came after the merge, and no rollup has their samples yet.
 */
export function mergedHourly(raw: readonly FileEntry[]): boolean {
  if (raw.some((f) => f.level === 0)) return false;
  return new Set(raw.map((f) => f.hour)).size === raw.length;
}

/** Whether `rollup` is of the current schema and was written after every file of `raw`. */
export function rollsUp(rollup: FileEntry, raw: readonly FileEntry[]): boolean {
  if (rollup.schema !== ROLLUP_SCHEMA) return false;
  return raw.every((f) => rollup.created >= f.created);
}
