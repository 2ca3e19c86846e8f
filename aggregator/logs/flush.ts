/**
 * Writes log blocks as Parquet: one file per hour partition of the records' times, uploaded to
 * staging, with a catalog entry that lists the stream sequences the blocks came with. The
 * caller commits the entries and promotes the files; only then are the sequences acknowledged.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { labelValue } from "../../shared/model/labels.ts";
import type { Bucket } from "../storage/bucket/bucket.ts";
import { type FileEntry, hourOf, OWN_LOGS_JOB, objectKey } from "../storage/catalog/entry.ts";
import { toRanges } from "../storage/catalog/seqset.ts";
import type { LogRows } from "../storage/parquet/logs/schema.ts";
import { writeLogsFile } from "../storage/parquet/logs/writer.ts";
import { type StagedFile, uploadStaged } from "../storage/staging/staging.ts";
import type { LogBlock } from "./head.ts";
import { StreamTable } from "./streams.ts";

const NS_PER_MS = 1_000_000n;

/** Where a logs flush writes. */
export interface LogFlushTarget {
  bucket: Bucket;
  writer: string;
  tmpDir: string;
}

/**
 * Writes `blocks` of one tenant and uploads them to staging; returns the entries to commit.
 * Each written file is added to `staged` (its local copy is the caller's to remove).
 */
export async function writeLogBlocks(
  target: LogFlushTarget,
  tenant: string,
  blocks: readonly LogBlock[],
  staged: StagedFile[],
): Promise<FileEntry[]> {
  await mkdir(target.tmpDir, { recursive: true });
  const seqs = toRanges(blocks.map((b) => b.seq));
  const entries: FileEntry[] = [];
  const byHour = splitByHour(blocks);
  // The sequences ride on the first file: one commit holds all files, so which one is moot.
  let first = true;
  for (const { hour, rows } of byHour.values()) {
    const key = objectKey(tenant, "logs", "raw", hour, target.writer, "flush");
    const local = join(target.tmpDir, key.replaceAll("/", "_"));
    staged.push({ key, local });
    const stats = await writeLogsFile(rows, local);
    await uploadStaged(target.bucket, key, local);
    entries.push({
      key,
      tenant,
      signal: "logs",
      tier: "raw",
      hour,
      minTime: stats.minTime,
      maxTime: stats.maxTime,
      rows: stats.rows,
      bytes: stats.bytes,
      // For log files: the distinct `job` values, so a selector naming jobs skips the rest.
      metrics: stats.jobs,
      seqs: first ? seqs : [],
      level: 0,
      created: Date.now(),
    });
    first = false;
  }
  return entries;
}

/**
 * Regroups the blocks' records by the hour of their time, as columns per hour; Outpost's own
 * streams (job `outpost`: alert history) go to files of their own, which have their own
 * retention.
 */
function splitByHour(blocks: readonly LogBlock[]): Map<string, { hour: number; rows: LogRows }> {
  const table = new StreamTable();
  const hours = new Map<string, { hour: number; refs: number[][] }>();
  const maps = blocks.map((b) => b.streams.map((labels) => table.id(labels)));
  const own = blocks.map((b) => b.streams.map((l) => labelValue(l, "job") === OWN_LOGS_JOB));
  blocks.forEach((b, bi) => {
    for (let i = 0; i < b.logs.length; i++) {
      const hour = hourOf(Number(b.logs.timeNs[i] / NS_PER_MS));
      const key = own[bi][b.logs.stream[i]] ? `${hour}/own` : `${hour}`;
      let part = hours.get(key);
      if (!part) {
        part = { hour, refs: [] };
        hours.set(key, part);
      }
      part.refs.push([bi, i]);
    }
  });
  const out = new Map<string, { hour: number; rows: LogRows }>();
  for (const [key, { hour, refs }] of hours) {
    out.set(key, {
      hour,
      rows: {
        length: refs.length,
        streams: table.labels,
        stream: Int32Array.from(refs, ([bi, i]) => maps[bi][blocks[bi].logs.stream[i]]),
        timeNs: BigInt64Array.from(refs, ([bi, i]) => blocks[bi].logs.timeNs[i]),
        lines: refs.map(([bi, i]) => blocks[bi].logs.lines[i]),
        fields: refs.map(([bi, i]) => {
          const f = blocks[bi].logs.fields[i];
          return f.length > 0 ? (f as string[]) : null;
        }),
      },
    });
  }
  return out;
}
