/** File-system steps for durable writes, shared by the directory bucket and the file cache. */
import { constants } from "node:fs";
import { copyFile, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";

/** The error code of a Node file-system error, or "" for anything else. */
export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? "";
}

/** An error's message, for the reason part of "Cannot …: <reason>". */
export function errorReason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A random file-name part, unique enough for concurrent writers in one folder. */
export function randomName(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

/** Writes `data` to a new file `path` and flushes it to disk. */
export async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const fh = await open(path, "wx");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Copies `src` to a new file `path` (a reflink where the file system can) and flushes it. */
export async function copySynced(src: string, path: string): Promise<void> {
  await copyFile(src, path, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  const fh = await open(path, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a folder's entries (a rename, a new or removed file) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Creates `dir` and its missing parents, flushing each parent that gained an entry. */
export async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const top = dirname(first);
  let p = dir;
  do {
    p = dirname(p);
    await syncDir(p);
  } while (p !== top && p !== dirname(p));
}
