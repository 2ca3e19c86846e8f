/**
 * The repair of staging: promotes committed objects still waiting under `staging/` (a crash
 * between a commit and its promotion, a failed move, or a merge or rollup waiting for the files
 * it replaced to be deleted). Run at start and by every compactor pass; any number of
 * aggregators may run it at once (a move already done is a move of a missing object).
 */
import type { Bucket } from "../bucket/bucket.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { FileEntry } from "../catalog/entry.ts";
import type { Pins } from "../union.ts";
import { finalKey, STAGING_PREFIX, stagingKey } from "./staging.ts";

/** What the repair needs. */
export interface RepairOptions {
  bucket: Bucket;
  catalog: Catalog;
  /** Keys local queries are reading: their staged copies are not moved from under them. */
  pins?: Pins;
}

/** What a repair did. */
export interface RepairResult {
  promoted: number;
  /** Committed staged objects left waiting (files they replace still in `v1/`, or pinned). */
  waiting: number;
}

/**
 * A merged file or a rollup replaces other files of its folder: it goes into `v1/` only once
 * that folder holds nothing the catalog does not know (the replaced files are deleted first),
 * so a reader of `v1/` may briefly miss those rows but never counts them twice.
 */
export function replacesOthers(entry: FileEntry): boolean {
  return entry.level > 0 || entry.tier !== "raw";
}

/** Promotes every committed staged object that may go into `v1/` now. */
export async function promoteCommitted(opts: RepairOptions): Promise<RepairResult> {
  const { bucket, catalog } = opts;
  const result = { promoted: 0, waiting: 0 };
  const staged = await bucket.list(STAGING_PREFIX);
  if (staged.length === 0) return result;
  // Refresh after listing: whatever was committed before the listing is then known.
  await catalog.refresh();
  const byFolder = new Map<string, FileEntry[]>();
  for (const s of staged) {
    const entry = catalog.get(finalKey(s) ?? "");
    if (!entry) continue; // uncommitted, or replaced before its promotion: the sweep's
    const folder = entry.key.slice(0, entry.key.lastIndexOf("/") + 1);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), entry]);
  }
  for (const [folder, entries] of byFolder) {
    const clean = entries.some(replacesOthers) ? await isClean(opts, folder) : true;
    for (const e of entries) {
      if ((replacesOthers(e) && !clean) || opts.pins?.has(e.key)) result.waiting++;
      else if (await bucket.move(stagingKey(e.key), e.key)) result.promoted++;
    }
  }
  return result;
}

/** True when every object in the `v1/` folder is committed. */
async function isClean(opts: RepairOptions, folder: string): Promise<boolean> {
  const listed = await opts.bucket.list(folder);
  // A file committed and promoted elsewhere since the last refresh is not an orphan.
  if (listed.some((k) => !opts.catalog.has(k))) await opts.catalog.refresh();
  return listed.every((k) => opts.catalog.has(k));
}
