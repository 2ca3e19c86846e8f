/**
 * A bounded local copy of remote objects, so DuckDB (which cannot read s3:// here) reads them
 * as files. Objects are immutable, so a cached file never goes stale; `drop()` forgets a
 * deleted one. Least recently opened files are evicted past `maxBytes`, except pinned ones
 * (opened and not yet released), so the cache can exceed its limit while that many bytes are
 * in use. One process owns the folder: files it finds at start are removed.
 */
import { readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { LocalFile } from "./bucket.ts";
import { ensureDir, errorReason, randomName } from "./fsutil.ts";
import type { BucketMetrics } from "./metrics.ts";

/** Options of a `FileCache`. */
export interface FileCacheOptions {
  /** Folder of the cached files; created when missing. */
  dir: string;
  /** Size the cache is trimmed to when files are released. */
  maxBytes: number;
  metrics?: BucketMetrics;
}

/** Writes the object's bytes to the file `path` (which does not exist yet). */
export type Download = (path: string) => Promise<void>;

interface Entry {
  readonly key: string;
  path: string;
  bytes: number;
  pins: number;
  /** Settles when the download has finished (or failed). */
  ready: Promise<void>;
  loaded: boolean;
  /** Forgotten by `drop()` while pinned: the file goes at the last release. */
  dropped: boolean;
}

/** Names this cache gives its files, and nothing else it may find in its folder. */
const OWN_FILE = /^(c|t)-[0-9a-f]{16}-/;

/** A size-bounded, least-recently-used cache of downloaded objects. */
export class FileCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  private started: Promise<void> | null = null;
  private readonly removing = new Set<Promise<void>>();

  constructor(private readonly opts: FileCacheOptions) {
    opts.metrics?.setCacheBytes(0);
  }

  /** Bytes of the files in the cache, pinned ones included. */
  get bytes(): number {
    return this.total;
  }

  /** Opens the cached file of `key`, downloading it with `download` unless it is cached or on its way. */
  async open(key: string, download: Download): Promise<LocalFile> {
    await this.start();
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted last: most recently used
      this.opts.metrics?.hit();
    } else {
      entry = this.load(key, download);
      this.opts.metrics?.miss();
    }
    this.entries.set(key, entry);
    entry.pins++;
    try {
      await entry.ready;
    } catch (err) {
      entry.pins--;
      throw err;
    }
    return this.handle(entry);
  }

  /** Forgets `key` (its object was deleted): the file is removed once nobody holds it. */
  async drop(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.dropped = true;
    if (entry.pins === 0) await this.remove(entry);
  }

  /** Resolves once the files being removed (evicted or dropped) are gone. */
  async settled(): Promise<void> {
    while (this.removing.size > 0) await Promise.all(this.removing);
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      await ensureDir(this.opts.dir);
      for (const name of await readdir(this.opts.dir)) {
        if (OWN_FILE.test(name)) await rm(join(this.opts.dir, name), { force: true });
      }
    })().catch((err) => {
      this.started = null; // try again at the next open
      throw new Error(`Cannot prepare the file cache in "${this.opts.dir}": ${errorReason(err)}`);
    });
    return this.started;
  }

  private load(key: string, download: Download): Entry {
    // Each download gets its own name, so removing an evicted copy never hits a newer one.
    const name = `${fileId(key)}-${randomName()}`;
    const entry: Entry = {
      key,
      path: join(this.opts.dir, `c-${name}`),
      bytes: 0,
      pins: 0,
      ready: Promise.resolve(),
      loaded: false,
      dropped: false,
    };
    entry.ready = this.fill(entry, join(this.opts.dir, `t-${name}`), download);
    return entry;
  }

  private async fill(entry: Entry, tmp: string, download: Download): Promise<void> {
    try {
      await download(tmp);
      entry.bytes = (await stat(tmp)).size;
      await rename(tmp, entry.path);
    } catch (err) {
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      await rm(tmp, { force: true });
      throw err;
    }
    entry.loaded = true;
    this.resize(entry.bytes);
    this.evict();
  }

  private handle(entry: Entry): LocalFile {
    let held = true;
    return {
      path: entry.path,
      release: () => {
        if (!held) return;
        held = false;
        entry.pins--;
        if (entry.pins > 0) return;
        if (entry.dropped) this.removeLater(entry);
        else this.evict();
      },
    };
  }

  /** Removes least recently opened unpinned files until the cache fits its limit. */
  private evict(): void {
    for (const entry of this.entries.values()) {
      if (this.total <= this.opts.maxBytes) return;
      if (entry.pins > 0 || !entry.loaded) continue;
      this.entries.delete(entry.key);
      this.opts.metrics?.evicted();
      this.removeLater(entry);
    }
  }

  private removeLater(entry: Entry): void {
    // A file that cannot be removed now is removed with the rest at the next start.
    const removal = this.remove(entry).catch(() => {});
    this.removing.add(removal);
    void removal.finally(() => this.removing.delete(removal));
  }

  private async remove(entry: Entry): Promise<void> {
    if (!entry.loaded) return; // a failed or unfinished download leaves no file to count
    entry.loaded = false;
    this.resize(-entry.bytes);
    await rm(entry.path, { force: true });
  }

  private resize(delta: number): void {
    this.total += delta;
    this.opts.metrics?.setCacheBytes(this.total);
  }
}

/** A fixed-length file-name part derived from the key (keys can be longer than a file name). */
function fileId(key: string): string {
  return Bun.hash.wyhash(key).toString(16).padStart(16, "0");
}
