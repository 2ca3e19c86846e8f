/**
 * The local-directory bucket, the default: one file per object under a root folder. Writes go
 * to a temporary file in the target folder, are flushed, renamed into place and the folder
 * flushed, so a crash leaves either the old object or the new one, never a torn file.
 */
import type { Dirent } from "node:fs";
import { link, readdir, readFile, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Registry } from "../../../shared/metrics/registry.ts";
import {
  type Bucket,
  checkKey,
  checkPrefix,
  type LocalFile,
  ObjectMissingError,
  TMP_MARK,
} from "./bucket.ts";
import {
  copySynced,
  ensureDir,
  errorCode,
  errorReason,
  randomName,
  syncDir,
  writeSynced,
} from "./fsutil.ts";
import { BucketMetrics, type BucketOp } from "./metrics.ts";

/**
 * Keys under this prefix are moved to their final key soon after they are written (see
 * aggregator/storage/staging): `openLocal()` hands out a hard link of them, not their path.
 */
const MOVED_SOON = "staging/";

/** Options of a `DirBucket`. */
export interface DirBucketOptions {
  /** Where the bucket's self-metrics go; none when absent. */
  registry?: Registry;
}

/** A bucket kept in a local folder; `openLocal()` hands out the object's own file. */
export class DirBucket implements Bucket {
  readonly root: string;
  readonly description: string;
  private readonly metrics: BucketMetrics;

  constructor(root: string, opts: DirBucketOptions = {}) {
    this.root = resolve(root);
    this.description = `dir:${this.root}`;
    this.metrics = new BucketMetrics(opts.registry);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    return this.run("put", `put object "${key}"`, () =>
      this.commit(key, (tmp) => writeSynced(tmp, data)),
    );
  }

  async putFile(key: string, localPath: string): Promise<void> {
    checkKey(key);
    return this.run("put_file", `upload "${localPath}" to object "${key}"`, () =>
      this.commit(key, (tmp) => copySynced(localPath, tmp)),
    );
  }

  async get(key: string): Promise<Uint8Array | null> {
    checkKey(key);
    return this.run("get", `get object "${key}"`, async () => {
      try {
        return await readFile(this.pathOf(key));
      } catch (err) {
        // A folder is where keys share a prefix, not an object.
        if (["ENOENT", "ENOTDIR", "EISDIR"].includes(errorCode(err))) return null;
        throw err;
      }
    });
  }

  async list(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    return this.run("list", `list objects under "${prefix}"`, async () => {
      // Walk only the folder the prefix names; its last part filters that folder's entries.
      const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
      const out: string[] = [];
      await walk(join(this.root, folder), folder, out, prefix.slice(folder.length));
      return out.sort();
    });
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    return this.run("delete", `delete object "${key}"`, async () => {
      const path = this.pathOf(key);
      try {
        await unlink(path);
      } catch (err) {
        if (["ENOENT", "ENOTDIR", "EISDIR"].includes(errorCode(err))) return;
        throw err;
      }
      // Another delete may have emptied and pruned the folder meanwhile: nothing to flush.
      await syncDir(dirname(path)).catch((err) => {
        if (errorCode(err) !== "ENOENT") throw err;
      });
      await this.pruneEmpty(dirname(path));
    });
  }

  async move(from: string, to: string): Promise<boolean> {
    checkKey(from);
    checkKey(to);
    return this.run("move", `move object "${from}" to "${to}"`, async () => {
      const src = this.pathOf(from);
      const dst = this.pathOf(to);
      for (let attempt = 1; ; attempt++) {
        await ensureDir(dirname(dst));
        try {
          await rename(src, dst);
          break;
        } catch (err) {
          if (errorCode(err) !== "ENOENT") throw err;
          if (!(await stat(src).catch(() => null))?.isFile()) return false;
          // A delete() pruned the (empty) target folder between mkdir and the rename.
          if (attempt >= 3) throw err;
        }
      }
      await syncDir(dirname(dst));
      if (dirname(src) !== dirname(dst)) {
        // Another move may have emptied and pruned the source folder meanwhile: nothing to flush.
        await syncDir(dirname(src)).catch((err) => {
          if (errorCode(err) !== "ENOENT") throw err;
        });
        await this.pruneEmpty(dirname(src));
      }
      return true;
    });
  }

  async openLocal(key: string): Promise<LocalFile> {
    checkKey(key);
    return this.run("open_local", `open object "${key}"`, async () => {
      const path = this.pathOf(key);
      if (key.startsWith(MOVED_SOON)) return this.linked(path);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw new ObjectMissingError("it does not exist");
      return { path, release: () => {} };
    });
  }

  /**
   * A hard link of the file at `path`, removed on release: an object under staging/ is moved
   * into place moments after its commit, and a reader handed its path (DuckDB opens it later)
   * would find it gone. A link costs no copy; one left by a crash is a stray `.tmp-` name at
   * the root, which listings skip.
   */
  private async linked(path: string): Promise<LocalFile> {
    const linkPath = join(this.root, `${TMP_MARK}open-${randomName()}`);
    try {
      await link(path, linkPath);
    } catch (err) {
      if (errorCode(err) === "ENOENT") throw new ObjectMissingError("it does not exist");
      throw err;
    }
    let released = false;
    return {
      path: linkPath,
      release: () => {
        if (released) return;
        released = true;
        void unlink(linkPath).catch(() => {});
      },
    };
  }

  private pathOf(key: string): string {
    return join(this.root, key);
  }

  /** Fills a temporary file with `fill`, then renames it over the object's file. */
  private async commit(key: string, fill: (tmp: string) => Promise<void>): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    for (let attempt = 1; ; attempt++) {
      await ensureDir(dir);
      const tmp = join(dir, `${TMP_MARK}${randomName()}`);
      try {
        await fill(tmp);
        await rename(tmp, path);
        await syncDir(dir);
        return;
      } catch (err) {
        await rm(tmp, { force: true });
        // A delete() may have pruned the folder, empty then, between mkdir and the write.
        if (errorCode(err) === "ENOENT" && attempt < 3) continue;
        throw err;
      }
    }
  }

  /** Removes `dir` and its parents below the root while they are empty. */
  private async pruneEmpty(dir: string): Promise<void> {
    while (dir.startsWith(`${this.root}/`)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): parents are not empty either
      }
      dir = dirname(dir);
    }
  }

  /** Runs `fn` as operation `op`, counted, with errors reworded as "Cannot <action> in <dir>: …". */
  private run<T>(op: BucketOp, action: string, fn: () => Promise<T>): Promise<T> {
    return this.metrics.track(op, async () => {
      try {
        return await fn();
      } catch (err) {
        throw new Error(`Cannot ${action} in ${this.description}: ${errorReason(err)}`, {
          cause: err,
        });
      }
    });
  }
}

/** Appends the keys of the files below `dir` (named `keyPrefix` + path) whose names start with `start`. */
async function walk(dir: string, keyPrefix: string, out: string[], start = ""): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (["ENOENT", "ENOTDIR"].includes(errorCode(err))) return;
    throw err;
  }
  for (const e of entries) {
    if (!e.name.startsWith(start) || e.name.startsWith(TMP_MARK)) continue;
    if (e.isDirectory()) await walk(join(dir, e.name), `${keyPrefix}${e.name}/`, out);
    else if (e.isFile()) out.push(keyPrefix + e.name);
  }
}
