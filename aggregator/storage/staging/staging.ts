/**
 * Staging: how a new object reaches the `v1/` tree that readers glob only once the catalog has
 * committed it. Writers upload to `staging/<final key>`, commit the catalog record naming the
 * final key, then move the object into place (docs/storage.md, "Reading the bucket directly").
 * Until then Outpost's own readers, which go through the catalog, find it under staging.
 */
import { rm } from "node:fs/promises";
import { logger } from "../../../shared/log/log.ts";
import type { Bucket, LocalFile } from "../bucket/bucket.ts";

const log = logger("staging");

/** Where objects wait for their commit; outside `v1/`, so a glob of `v1/` never sees them. */
export const STAGING_PREFIX = "staging/";

/** The staging key of the object that will live under `key`. */
export function stagingKey(key: string): string {
  return STAGING_PREFIX + key;
}

/** The final key of a staging key, or null for a key outside staging. */
export function finalKey(staged: string): string | null {
  return staged.startsWith(STAGING_PREFIX) ? staged.slice(STAGING_PREFIX.length) : null;
}

/**
 * A local copy of the committed object `key`, promoted or not: the final key first, then the
 * staging key, then the final key again (the object may have been promoted between the two).
 * A staged file stays readable through its move: S3 hands out a cached copy, a directory a
 * hard link (DirBucket.openLocal).
 */
export async function openCommitted(bucket: Bucket, key: string): Promise<LocalFile> {
  try {
    return await bucket.openLocal(key);
  } catch {
    try {
      return await bucket.openLocal(stagingKey(key));
    } catch {
      return await bucket.openLocal(key);
    }
  }
}

/** A file a writer uploaded to staging: its final key and the local file it came from. */
export interface StagedFile {
  key: string;
  local: string;
}

/** Uploads the local file `local` to the staging key of `key`. */
export async function uploadStaged(bucket: Bucket, key: string, local: string): Promise<void> {
  await bucket.putFile(stagingKey(key), local);
}

/**
 * Moves committed staged files into place (S3 re-uploads each from its local copy). A failure
 * is logged, not thrown: the commit is done, and the compactor's repair promotes what is left.
 */
export async function promoteStaged(bucket: Bucket, files: readonly StagedFile[]): Promise<void> {
  for (const f of files) {
    try {
      await bucket.move(stagingKey(f.key), f.key, f.local);
    } catch (err) {
      log.warn("Cannot promote a committed file: the compactor will", { error: String(err) });
    }
  }
}

/** Removes the local files of staged uploads. */
export async function removeLocal(files: readonly StagedFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.local, { force: true })));
}
