/**
 * Joined rollup runs (rollup_cache.ts) kept on the aggregator's local disk between starts, as
 * VictoriaMetrics keeps its rollup result cache: the first long-range query after a restart
 * maps the rows a process before it decoded instead of decoding Parquet again. A month of a
 * 6,696-series counter's 1 h rows (`rate`'s columns, 250 MB) took 1.3–1.5 s to read from its
 * 31 day files on a 2-core VM, and a file of them maps and sums in ~0.08 s once the kernel
 * holds it (docs/benchmarks.md, "The month's rows kept on disk").
 *
 * A run read whole from the files is written in the background, one at a time, synced before
 * it is renamed into place, so a crash leaves no half file under a run's name. A query whose
 * run is not in memory maps the stored run of the same key; failing that, the stored run of
 * the same metric and fields that holds most of its files (more than half), which the memory
 * cache then takes those files' rows from, reading only the others (a month a few hours on).
 * Bucket keys are unique (files are written once, under new names), so a run stored under the
 * same file keys holds the same rows. The least recently used runs go once the files pass
 * their budget. Speed only: `query.cache_disk_bytes: 0` leaves it out.
 * After a few files that do not read back (a filesystem that cannot map them, say), nothing
 * more is written. The file format is rollup_disk_format.ts's.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import {
  decodeRun,
  encodeRun,
  INDEX_AT,
  type RunIndex,
  readPrefix,
  type StoredRun,
} from "./rollup_disk_format.ts";

const log = logger("rollup-disk");
const SUFFIX = ".run";
/**
 * Runs under this many bytes are not kept: a read of so few rows takes milliseconds, and a
 * folder of many small files would be listed at every start (a week of a 1,000-series
 * counter's 1 h rows is ~9 MB).
 */
const MIN_BYTES = 1 << 20;
/** Files that do not read back after which nothing more is written. */
const MAX_READ_ERRORS = 3;
/**
 * How long a run waits before it is encoded and written: its encoding runs on the JS thread
 * (its labels' JSON and a view a column a series: 40–47 ms for a month of a 6,696-series
 * counter), and the query that read the run is still being evaluated there when it is handed
 * over; a second later it has answered.
 */
const SAVE_DELAY_MS = 1000;

export type { RunIndex, StoredRun };

/** Runs kept as files in one directory, at most `maxBytes` of them. */
export class RollupDisk {
  /** Stored runs' indexes by file name, read once per process. */
  private indexes: Map<string, RunIndex> | null = null;
  private writing: Promise<void> | null = null;
  private next: StoredRun | null = null;
  private readErrors = 0;
  private readonly counts: { loads: Metric; saves: Metric; errors: Metric } | undefined;

  /**
   * `minBytes`: smaller runs are not kept (they read again fast, and would fill the folder);
   * `saveDelayMs`: how long a run waits before it is encoded and written (SAVE_DELAY_MS).
   */
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    registry?: Registry,
    private readonly minBytes = MIN_BYTES,
    private readonly saveDelayMs = SAVE_DELAY_MS,
  ) {
    this.counts = registry && {
      loads: registry.counter(
        "outpost_rollup_disk_loads_total",
        "Rollup runs mapped from the local disk cache instead of decoded from Parquet.",
      ),
      saves: registry.counter(
        "outpost_rollup_disk_saves_total",
        "Rollup runs written to the local disk cache.",
      ),
      errors: registry.counter(
        "outpost_rollup_disk_errors_total",
        "Rollup runs of the local disk cache that could not be written or read (the file is removed; the query decodes Parquet).",
        ["op"],
      ),
    };
    // At 0 from the start, so that a rate over them is defined before the first event.
    this.counts?.loads.labels();
    this.counts?.saves.labels();
    for (const op of ["read", "write"]) this.counts?.errors.labels({ op });
  }

  /**
   * The stored run under `key`, else the stored run of `metric` and `fields` holding most of
   * `files` (more than half of them), else undefined.
   */
  find(
    key: string,
    metric: string,
    fields: string,
    files: readonly string[],
  ): StoredRun | undefined {
    const indexes = this.listed();
    let best: [string, number] | undefined;
    const wanted = new Set(files);
    for (const [name, idx] of indexes) {
      if (idx.key === key) return this.load(name, idx);
      if (idx.metric !== metric || idx.fields !== fields) continue;
      const shared = idx.files.filter((f) => wanted.has(f)).length;
      if (shared * 2 > files.length && shared > (best?.[1] ?? 0)) best = [name, shared];
    }
    return best && this.load(best[0], indexes.get(best[0])!);
  }

  /**
   * Writes `run` in the background, after the write under way, once the query that read it
   * has answered (SAVE_DELAY_MS); of the runs that wait for it, only the last is written (each
   * is a long read's rows, held in memory until written).
   */
  save(run: StoredRun): void {
    if (this.readErrors >= MAX_READ_ERRORS || this.listed().has(fileName(run.index.key))) return;
    if (this.writing !== null) {
      this.next = run;
      return;
    }
    this.writing = (async () => {
      await Bun.sleep(this.saveDelayMs);
      for (let r: StoredRun | null = run; r !== null; r = this.next, this.next = null)
        await this.write(r);
      this.writing = null;
    })();
  }

  /** Resolves once the writes under way (if any) are done. */
  async settled(): Promise<void> {
    await this.writing;
  }

  private async write(run: StoredRun): Promise<void> {
    const name = fileName(run.index.key);
    const path = join(this.dir, name);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      const chunks = encodeRun(run);
      const size = chunks.reduce((n, c) => n + c.byteLength, 0);
      if (size > this.maxBytes || size < this.minBytes) return;
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const file = await open(tmp, "w", 0o600);
      try {
        await file.writev(chunks);
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(tmp, path);
      this.listed().set(name, run.index);
      this.counts?.saves.inc();
      this.evict(name);
    } catch (error) {
      await rm(tmp, { force: true });
      this.counts?.errors.labels({ op: "write" }).inc();
      log.warn("Cannot keep a rollup run on disk", { file: path, error: String(error) });
    }
  }

  /** Maps the run of file `name`; a file that does not read back is removed. */
  private load(name: string, index: RunIndex): StoredRun | undefined {
    const path = join(this.dir, name);
    try {
      const map = Bun.mmap(path, { shared: false });
      const run = decodeRun(map, index);
      const now = new Date();
      utimesSync(path, now, now);
      this.counts?.loads.inc();
      return run;
    } catch (error) {
      this.forget(name);
      this.counts?.errors.labels({ op: "read" }).inc();
      const last = ++this.readErrors === MAX_READ_ERRORS;
      log.warn(
        last
          ? "Cannot read a rollup run kept on disk: removed, and no more are kept"
          : "Cannot read a rollup run kept on disk: removed",
        { file: path, error: String(error) },
      );
      return undefined;
    }
  }

  /** The stored runs' indexes (read from their files once; leftovers of a crash removed). */
  private listed(): Map<string, RunIndex> {
    if (this.indexes) return this.indexes;
    this.indexes = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return this.indexes;
    }
    for (const name of names) {
      if (name.endsWith(".tmp")) rmSync(join(this.dir, name), { force: true });
      if (!name.endsWith(SUFFIX)) continue;
      const index = readIndex(join(this.dir, name));
      if (index) this.indexes.set(name, index);
      else this.forget(name);
    }
    return this.indexes;
  }

  /** Removes the least recently used runs (never `keep`) until the files fit the budget. */
  private evict(keep: string): void {
    const files = [...this.listed().keys()].flatMap((name) => {
      try {
        const s = statSync(join(this.dir, name));
        return [{ name, bytes: s.size, used: s.mtimeMs }];
      } catch {
        return [];
      }
    });
    let total = files.reduce((n, f) => n + f.bytes, 0);
    for (const f of files.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (f.name === keep) continue;
      this.forget(f.name);
      total -= f.bytes;
    }
  }

  private forget(name: string): void {
    this.indexes?.delete(name);
    rmSync(join(this.dir, name), { force: true });
  }
}

/** The file of the run under `key`. */
function fileName(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex") + SUFFIX;
}

/** The index at the start of the file at `path`, or null when it is not a run's. */
function readIndex(path: string): RunIndex | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const prefix = new Uint8Array(INDEX_AT);
    if (readSync(fd, prefix, 0, INDEX_AT, 0) < INDEX_AT) return null;
    const { index: length } = readPrefix(prefix, fstatSync(fd).size);
    const bytes = new Uint8Array(length);
    if (readSync(fd, bytes, 0, length, INDEX_AT) < length) return null;
    return JSON.parse(new TextDecoder().decode(bytes)) as RunIndex;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
