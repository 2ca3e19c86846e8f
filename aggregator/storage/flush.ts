/**
 * Writes cut head data as Parquet and commits it: one file per (tenant, hour), uploaded to
 * staging, then one catalog commit for the whole flush, then the files are moved into `v1/`
 * (see staging/). Only after that are the batches acknowledged, so a crash before the commit
 * leaves JetStream to redeliver them, and a crash after it leaves the repair to promote them.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { failpoint } from "../../shared/runtime/failpoint.ts";
import type { Bucket } from "./bucket/bucket.ts";
import type { Catalog } from "./catalog/catalog.ts";
import { type FileEntry, objectKey } from "./catalog/entry.ts";
import { toRanges } from "./catalog/seqset.ts";
import { writeMetricsFile } from "./parquet/writer.ts";
import { splitByHour } from "./split.ts";
import { promoteStaged, removeLocal, type StagedFile, uploadStaged } from "./staging/staging.ts";
import type { SampleRows } from "./storage.ts";

/** Data of one tenant waiting to be written. */
export interface FlushPart {
  tenant: string;
  rows: SampleRows;
  /** Stream sequences (or other refs) whose data `rows` holds. */
  refs: readonly number[];
}

/** Where flushes write. */
export interface FlushTarget {
  bucket: Bucket;
  catalog: Catalog;
  /** Names the files (the aggregator id). */
  writer: string;
  /** Local directory for files being written. */
  tmpDir: string;
  /** `flush` for ingest, `import` for backfills: the middle of the file name. */
  kind?: string;
}

/** Writes every part to Parquet and commits all files at once; returns the entries committed. */
export async function writeAndCommit(
  target: FlushTarget,
  parts: FlushPart[],
): Promise<FileEntry[]> {
  const staged: StagedFile[] = [];
  try {
    const entries = await writeParts(target, parts, staged);
    failpoint("flush-uploaded");
    if (entries.length > 0) await target.catalog.commit({ add: entries, remove: [] });
    failpoint("flush-committed");
    await promoteStaged(target.bucket, staged);
    failpoint("flush-promoted");
    return entries;
  } finally {
    await removeLocal(staged);
  }
}

/**
 * Writes the files of `parts` and uploads them to staging without committing them; each
 * written file is added to `staged` (its local copy is the caller's to remove).
 */
export async function writeParts(
  target: FlushTarget,
  parts: FlushPart[],
  staged: StagedFile[],
): Promise<FileEntry[]> {
  await mkdir(target.tmpDir, { recursive: true });
  const entries: FileEntry[] = [];
  for (const part of parts) {
    const seqs = toRanges(part.refs);
    for (const [hour, rows] of splitByHour(part.rows)) {
      if (rows.length === 0) continue;
      const kind = target.kind ?? "flush";
      const key = objectKey(part.tenant, "metrics", "raw", hour, target.writer, kind);
      const local = join(target.tmpDir, key.replaceAll("/", "_"));
      staged.push({ key, local });
      const stats = await writeMetricsFile(rows, local);
      await uploadStaged(target.bucket, key, local);
      entries.push({
        key,
        tenant: part.tenant,
        signal: "metrics",
        tier: "raw",
        hour,
        minTime: stats.minTime,
        maxTime: stats.maxTime,
        rows: stats.rows,
        bytes: stats.bytes,
        metrics: stats.metrics,
        seqs,
        level: 0,
        created: Date.now(),
      });
    }
  }
  return entries;
}
