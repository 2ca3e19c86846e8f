/**
 * The catalog: which Parquet objects are committed. It lives in the bucket, so that a new
 * aggregator on an empty disk recovers it and every aggregator sharing the bucket sees the
 * others' files:
 *
 *   v1/catalog/log/<time>-<writer>-<random>.json       one record per commit (a Change)
 *   v1/catalog/checkpoint/<time>-<writer>.json          the whole state + the log keys it holds
 *
 * A commit is the PUT of its log record: atomic on every object store, and only ever done by
 * the writer that names it, so aggregators never write the same object. A checkpoint folds the
 * log in and lets its writer delete the folded records. A local copy under the data dir spares
 * a restart the downloads.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { logger } from "../../../shared/log/log.ts";
import type { Bucket } from "../bucket/bucket.ts";
import type { FileEntry } from "./entry.ts";
import { CatalogState, type Change, type FileFilter } from "./state.ts";

const log = logger("catalog");
const LOG_PREFIX = "v1/catalog/log/";
const CHECKPOINT_PREFIX = "v1/catalog/checkpoint/";

interface Checkpoint {
  version: 1;
  /** Log record keys folded into `files`. */
  applied: string[];
  files: FileEntry[];
}

interface LocalCopy extends Checkpoint {
  /** The bucket checkpoint the copy started from. */
  checkpoint: string | null;
}

/** Options of a catalog. */
export interface CatalogOptions {
  bucket: Bucket;
  /** Names the records this process writes. */
  writer: string;
  /** Directory for the local copy; none when undefined. */
  localDir?: string;
}

/** The committed files of one bucket, shared by every aggregator using it. */
export class Catalog {
  private state = new CatalogState();
  private applied = new Set<string>();
  private checkpointKey: string | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshStarted = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CatalogOptions) {}

  /** Loads the catalog: the local copy if it is still current, then the bucket's records. */
  load(): Promise<void> {
    return this.serial(() => this.doLoad());
  }

  private async doLoad(): Promise<void> {
    const local = await this.readLocal();
    for (let attempt = 0; ; attempt++) {
      const checkpoint = await this.latestCheckpoint();
      if (local && local.checkpoint === checkpoint) this.reset(local.checkpoint, local);
      else this.reset(checkpoint, checkpoint ? await this.readCheckpoint(checkpoint) : null);
      const complete = (await this.applyNewRecords()) !== null;
      // A checkpoint written meanwhile may have folded (and deleted) records we did not see.
      if (complete && (await this.latestCheckpoint()) === checkpoint) break;
      if (attempt > 10) throw new Error("Cannot load the catalog: it keeps changing under us");
    }
    await this.writeLocal();
  }

  /**
   * Refreshes unless a refresh started less than `maxAgeMs` ago: a burst of redelivered batches
   * then costs one listing of the bucket, not one each.
   */
  async refreshIfOlder(maxAgeMs: number): Promise<void> {
    if (performance.now() - this.refreshStarted >= maxAgeMs) await this.refresh();
    else await this.refreshing;
  }

  /** Picks up commits other aggregators made since the last load or refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.serial(() => {
      this.refreshStarted = performance.now();
      return this.doRefresh();
    }).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Commits a change: once this resolves, every aggregator that refreshes sees it. */
  commit(change: Change): Promise<void> {
    return this.serial(() => this.doCommit(change));
  }

  private async doCommit(change: Change): Promise<void> {
    const key = `${LOG_PREFIX}${stamp()}-${this.opts.writer}-${random()}.json`;
    await this.opts.bucket.put(key, encode(change));
    this.state.apply(change);
    this.applied.add(key);
    // The commit is done once the record is in the bucket; the local copy is only a cache.
    await this.writeLocal().catch((err) => {
      log.warn("Cannot update the local copy of the catalog", { error: String(err) });
    });
  }

  /**
   * Folds the log into a new checkpoint, then deletes the folded records (outside the queue, so
   * commits do not wait for the deletes). When another aggregator checkpointed meanwhile, this
   * checkpoint is withdrawn instead: it might lack a record the other one folded and deleted.
   */
  async checkpoint(): Promise<void> {
    const folded = await this.serial(() => this.doCheckpoint());
    for (const key of folded) await this.opts.bucket.delete(key);
  }

  /** Writes a checkpoint; returns the objects it made redundant. */
  private async doCheckpoint(): Promise<string[]> {
    await this.doRefresh();
    const base = this.checkpointKey;
    // Only records still in the log: the list must not grow with every record ever folded.
    const present = new Set(await this.opts.bucket.list(LOG_PREFIX));
    const applied = [...this.applied].filter((k) => present.has(k));
    const body: Checkpoint = { version: 1, applied, files: [...this.state.files.values()] };
    const key = `${CHECKPOINT_PREFIX}${stamp()}-${this.opts.writer}.json`;
    await this.opts.bucket.put(key, encode(body));
    const checkpoints = await this.opts.bucket.list(CHECKPOINT_PREFIX);
    if (checkpoints.some((k) => k !== key && (base === null || k > base))) {
      await this.opts.bucket.delete(key);
      log.info("Withdrew a checkpoint: another aggregator wrote one at the same time");
      return [];
    }
    this.checkpointKey = key;
    this.applied = new Set(applied);
    await this.writeLocal();
    return [...applied, ...checkpoints.filter((k) => k !== key)];
  }

  /** Runs catalog changes one at a time: a refresh must not replace the state under a commit. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Committed files matching a filter. */
  select(filter: FileFilter): FileEntry[] {
    return this.state.select(filter);
  }

  /** The committed entry of the object with this key. */
  get(key: string): FileEntry | undefined {
    return this.state.files.get(key);
  }

  /** True while the object with this key is committed. */
  has(key: string): boolean {
    return this.state.files.has(key);
  }

  /** Every committed file. */
  all(): FileEntry[] {
    return [...this.state.files.values()];
  }

  /** Tenants with data. */
  tenants(): string[] {
    return this.state.tenants();
  }

  /** True when a committed file holds the data of stream sequence `seq`. */
  hasSeq(seq: number): boolean {
    return this.state.hasSeq(seq);
  }

  /** Size figures for self-metrics. */
  stats(): { files: number; bytes: number; records: number; seqRanges: number } {
    let bytes = 0;
    for (const f of this.state.files.values()) bytes += f.bytes;
    return {
      files: this.state.files.size,
      bytes,
      records: this.applied.size,
      seqRanges: this.state.seqRanges(),
    };
  }

  private async doRefresh(): Promise<void> {
    const checkpoint = await this.latestCheckpoint();
    // A new checkpoint may have folded in (and deleted) records: start again from it.
    const moved = checkpoint !== this.checkpointKey && checkpoint !== null;
    if (moved) this.reset(checkpoint, await this.readCheckpoint(checkpoint));
    const applied = await this.applyNewRecords();
    if (applied === null) await this.doLoad();
    // The local copy is rewritten only when the catalog changed: a refresh that found nothing
    // new (every 10 s on an idle aggregator) would re-encode every file's entry for nothing.
    else if (moved || applied > 0) await this.writeLocal();
  }

  private reset(checkpoint: string | null, body: Checkpoint | null): void {
    this.state = new CatalogState();
    this.applied = new Set(body?.applied ?? []);
    this.checkpointKey = checkpoint;
    if (body) this.state.apply({ add: body.files, remove: [] });
  }

  /**
   * Applies records not seen yet, in key (time) order: how many, or null when one vanished
   * meanwhile.
   */
  private async applyNewRecords(): Promise<number | null> {
    const keys = (await this.opts.bucket.list(LOG_PREFIX)).filter((k) => !this.applied.has(k));
    const bodies = await Promise.all(keys.map((k) => this.opts.bucket.get(k)));
    for (let i = 0; i < keys.length; i++) {
      const body = bodies[i];
      if (body === null) return null;
      this.state.apply(decode<Change>(body, keys[i]));
      this.applied.add(keys[i]);
    }
    return keys.length;
  }

  private async latestCheckpoint(): Promise<string | null> {
    const keys = await this.opts.bucket.list(CHECKPOINT_PREFIX);
    return keys.length === 0 ? null : keys[keys.length - 1];
  }

  private async readCheckpoint(key: string): Promise<Checkpoint | null> {
    const body = await this.opts.bucket.get(key);
    return body === null ? null : decode<Checkpoint>(body, key);
  }

  private async readLocal(): Promise<LocalCopy | null> {
    if (!this.opts.localDir) return null;
    const file = Bun.file(join(this.opts.localDir, "catalog.json"));
    try {
      if (!(await file.exists())) return null;
      return (await file.json()) as LocalCopy;
    } catch (err) {
      log.warn("Cannot read the local copy of the catalog: loading it from the bucket", {
        error: String(err),
      });
      return null;
    }
  }

  private async writeLocal(): Promise<void> {
    const dir = this.opts.localDir;
    if (!dir) return;
    const copy: LocalCopy = {
      version: 1,
      checkpoint: this.checkpointKey,
      applied: [...this.applied],
      files: [...this.state.files.values()],
    };
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `catalog.json.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(copy));
    await rename(tmp, join(dir, "catalog.json"));
  }
}

function stamp(): string {
  return String(Date.now()).padStart(13, "0");
}

function random(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, "0");
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function decode<T>(bytes: Uint8Array, key: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (err) {
    throw new Error(`Cannot read catalog object "${key}": ${(err as Error).message}`);
  }
}
