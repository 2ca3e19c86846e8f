/**
 * The compactor: merges the small files of closed hours (metrics and logs, each into its own
 * file), writes 1 m and 5 m rollups of metrics (a file an hour) and 1 h rollups (a file a day,
 * once the day's hours are merged), applies retention, and deletes objects the
 * catalog dropped once no query can still be reading them.
 * Every change is one catalog commit (add the new file, remove the old ones), so a crash at
 * any point leaves either the old files or the new one committed, never both or neither. New
 * files are written to staging and go into `v1/` only after the files they replace are
 * deleted (staging/repair.ts), so a reader of `v1/` never sees both; what a crash leaves
 * uncommitted is swept as an orphan later.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { logger } from "../../../shared/log/log.ts";
import type { Histogram, Metric, Registry } from "../../../shared/metrics/registry.ts";
import { failpoint } from "../../../shared/runtime/failpoint.ts";
import type { Bucket, LocalFile } from "../bucket/bucket.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { type FileEntry, objectKey, ROLLUP_TIERS, type Tier } from "../catalog/entry.ts";
import { SeqSet } from "../catalog/seqset.ts";
import { mergeFiles } from "../parquet/compact.ts";
import { ROLLUP_SCHEMA, writeDayRollupFile, writeRollupFile } from "../parquet/rollup.ts";
import { promoteCommitted } from "../staging/repair.ts";
import { openCommitted, uploadStaged } from "../staging/staging.ts";
import type { Pins } from "../union.ts";
import { mergeLogPartition, type ObjectStats } from "./logs.ts";
import {
  type CompactionRules,
  type DayRollup,
  type Partition,
  toExpire,
  toMerge,
  toRollUp,
  toRollUpDays,
} from "./plan.ts";
import { OrphanSweeper } from "./sweep.ts";

const log = logger("compactor");
/** Fold the catalog log into a checkpoint once it holds this many records. */
const CHECKPOINT_RECORDS = 200;

/** Options of the compactor. */
export interface CompactorOptions {
  bucket: Bucket;
  catalog: Catalog;
  writer: string;
  tmpDir: string;
  config: CompactionRules & { interval: number; delete_delay: number };
  pins: Pins;
  registry: Registry;
  /** An uncommitted object older than this is an orphan of a crash and is deleted. */
  orphanAgeMs: number;
  /** Whether this aggregator may compact now (one at a time across aggregators). */
  mayRun?: () => Promise<boolean>;
  /**
   * How often `mayRun` is asked again while a step runs (a third of the lease's TTL): a merge
   * or a day's rollup of a large deployment can outlast the lease, which another aggregator
   * would then take and compact the same files beside this one. Not asked when absent.
   */
  renewEveryMs?: number;
  /**
   * Limits the compactor to some files (an import compacts the hours it wrote, nothing else);
   * a scoped compactor does not sweep orphans or checkpoint the catalog either.
   */
  scope?: (file: FileEntry) => boolean;
  /** Called after a pass that merged files (the store warms its cache with them). */
  onMerged?: () => void;
  /**
   * zstd level of merged and rollup metric files (COMPACT_LEVEL by default); an import of
   * weeks of data may choose a lower one: level 19 took ~15× the time of level 9 for ~10 %
   * smaller files (docs/benchmarks.md, "30 days").
   */
  level?: number;
}

/** Background maintenance of the bucket. */
export class Compactor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  /** Objects dropped from the catalog, with the time they were dropped. */
  private readonly doomed = new Map<string, number>();
  private readonly sweeper: OrphanSweeper;
  private readonly duration: Histogram;
  private readonly merged: Metric;
  private readonly rolled: Metric;
  private readonly expired: Metric;
  private readonly deleted: Metric;
  private readonly promoted: Metric;
  private readonly errors: Metric;

  constructor(private readonly opts: CompactorOptions) {
    const r = opts.registry;
    this.duration = r.histogram(
      "outpost_compaction_duration_seconds",
      "Time of one compaction step (merge of an hour or one rollup).",
      [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      ["step"],
    );
    this.merged = r.counter(
      "outpost_compaction_merged_files_total",
      "Small files merged into larger ones.",
      ["signal"],
    );
    this.rolled = r.counter("outpost_compaction_rollup_files_total", "Rollup files written.", [
      "tier",
    ]);
    this.expired = r.counter(
      "outpost_retention_expired_files_total",
      "Files dropped by retention.",
      ["tier"],
    );
    this.deleted = r.counter(
      "outpost_compaction_deleted_objects_total",
      "Objects deleted from the bucket.",
    );
    this.promoted = r.counter(
      "outpost_compaction_promoted_objects_total",
      "Committed objects moved from staging into v1/ by the compactor (merges, rollups, repairs).",
    );
    this.errors = r.counter(
      "outpost_compaction_errors_total",
      "Compaction steps that failed (retried next run).",
    );
    this.sweeper = new OrphanSweeper({
      bucket: opts.bucket,
      catalog: opts.catalog,
      pins: opts.pins,
      rules: opts.config,
      orphanAgeMs: opts.orphanAgeMs,
      isDoomed: (key) => this.doomed.has(key),
      onDeleted: () => this.deleted.inc(),
    });
  }

  /** Runs compaction every `interval`. */
  start(): void {
    this.timer = setInterval(() => void this.run(), this.opts.config.interval);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; concurrent calls share it. */
  run(now = Date.now()): Promise<void> {
    const merged = { files: 0 };
    this.running ??= this.pass(now, merged).finally(() => {
      this.running = null;
      if (merged.files > 0) this.opts.onMerged?.();
    });
    return this.running;
  }

  /** One pass; counts the merges it committed in `merged`. */
  private async pass(now: number, merged: { files: number }): Promise<void> {
    // Deletes first: objects this aggregator dropped are its to delete, lease or not.
    await this.step("delete", () => this.deleteDoomed(Date.now()));
    if (!(await this.mayRun())) return;
    const { catalog, config } = this.opts;
    if (!(await this.step("refresh", () => catalog.refresh()))) return;
    const scope = this.opts.scope;
    const files = () => (scope ? catalog.all().filter(scope) : catalog.all());
    for (const p of toMerge(files(), now, config)) {
      if (!(await this.mayRun())) return;
      if (await this.step("merge", () => this.merge(p))) merged.files++;
    }
    for (const job of toRollUp(files(), now, config)) {
      if (!(await this.mayRun())) return;
      await this.step("rollup", () => this.rollUp(job.partition, job.tier, job.replaces));
    }
    // A day's rollup reads every raw file of the day, in scope or not (plan.ts): a scope only
    // picks the days.
    for (const job of toRollUpDays(catalog.all(), now, config)) {
      if (scope && !job.files.some(scope)) continue;
      if (!(await this.mayRun())) return;
      await this.step("rollup_day", () => this.rollUpDay(job));
    }
    const expired = toExpire(files(), now, config);
    if (expired.length > 0 && (await this.mayRun())) {
      await this.step("retention", () => this.commit("retention", [], expired));
      for (const f of expired) this.expired.labels({ tier: f.tier }).inc();
    }
    await this.step("delete", () => this.deleteDoomed(Date.now()));
    await this.step("promote", () => this.promote());
    if (scope || !(await this.mayRun())) return;
    await this.step("sweep", async () => {
      await this.sweeper.sweepClosed(now);
      await this.sweeper.sweepStaging();
    });
    if (catalog.stats().records >= CHECKPOINT_RECORDS && (await this.mayRun()))
      await this.step("checkpoint", () => catalog.checkpoint());
  }

  /** Takes or renews the lease before each step: a long pass must not outlive it. */
  private async mayRun(): Promise<boolean> {
    return this.opts.mayRun ? this.opts.mayRun() : true;
  }

  /** Runs one step, counting and logging its failure; false when it failed. */
  private async step(name: string, fn: () => Promise<void>): Promise<boolean> {
    const started = performance.now();
    const every = this.opts.renewEveryMs;
    const renew = every ? setInterval(() => void this.mayRun(), every) : null;
    try {
      await fn();
      this.duration.observe((performance.now() - started) / 1000, { step: name });
      return true;
    } catch (err) {
      this.errors.inc();
      log.error(`Cannot ${name}: retrying at the next run`, { error: String(err) });
      return false;
    } finally {
      if (renew !== null) clearInterval(renew);
    }
  }

  /** Merges a partition into one file that carries its inputs' sequences (exactly-once). */
  private async merge(p: Partition): Promise<void> {
    const key = objectKey(p.tenant, p.signal, "raw", p.hour, this.opts.writer, "compact");
    const stats = await this.produce(p.files, key, (inputs, out) =>
      p.signal === "logs"
        ? mergeLogPartition(p.files, inputs, out)
        : mergeFiles(
            inputs,
            out,
            this.opts.level,
            p.files.reduce((n, f) => n + f.rows, 0),
          ),
    );
    const seqs = new SeqSet();
    for (const f of p.files) seqs.addAll(f.seqs);
    await this.commit(
      "compact",
      [{ ...this.entry(p, key, "raw", stats), seqs: seqs.toRanges(), level: 1 }],
      p.files,
    );
    this.merged.labels({ signal: p.signal }).inc(p.files.length);
  }

  private async rollUp(p: Partition, tier: "1m" | "5m", replaces: FileEntry[]): Promise<void> {
    const key = objectKey(p.tenant, "metrics", tier, p.hour, this.opts.writer, "rollup");
    const { stepMs } = ROLLUP_TIERS[tier];
    const stats = await this.produce(p.files, key, (inputs, out) =>
      writeRollupFile(inputs, out, stepMs, this.opts.level),
    );
    const entry = { ...this.entry(p, key, tier, stats), schema: ROLLUP_SCHEMA };
    await this.commit("rollup", [entry], replaces);
    this.rolled.labels({ tier }).inc();
  }

  /**
   * Writes a day's 1 h rollup from its hours' 5 m rollups when each is current, else from its
   * merged hourly raw files (the same rows; parquet/rollup.ts).
   */
  private async rollUpDay(job: DayRollup): Promise<void> {
    const key = objectKey(job.tenant, "metrics", "1h", job.day, this.opts.writer, "rollup");
    const level = this.opts.level;
    const stats = job.fiveMinute
      ? await this.produce(job.fiveMinute, key, (inputs, out) =>
          writeDayRollupFile(inputs, out, level),
        )
      : await this.produce(job.files, key, (inputs, out) =>
          writeRollupFile(inputs, out, ROLLUP_TIERS["1h"].stepMs, level),
        );
    const at = { tenant: job.tenant, signal: "metrics" as const, hour: job.day, files: [] };
    const entry = { ...this.entry(at, key, "1h", stats), schema: ROLLUP_SCHEMA };
    await this.commit("rollup", [entry], job.replaces);
    this.rolled.labels({ tier: "1h" }).inc();
  }

  /** Writes a new object from local copies of `inputs`, uploads it to staging, returns its stats. */
  private async produce(
    inputs: FileEntry[],
    key: string,
    write: (paths: string[], out: string) => Promise<ObjectStats>,
  ) {
    await mkdir(this.opts.tmpDir, { recursive: true });
    const local = join(this.opts.tmpDir, key.replaceAll("/", "_"));
    const keys = inputs.map((f) => f.key);
    this.opts.pins.pin(keys);
    const files: LocalFile[] = [];
    try {
      const opened = await Promise.allSettled(keys.map((k) => openCommitted(this.opts.bucket, k)));
      for (const o of opened) if (o.status === "fulfilled") files.push(o.value);
      const failed = opened.find((o) => o.status === "rejected");
      if (failed) throw failed.reason;
      const stats = await write(
        files.map((f) => f.path),
        local,
      );
      await uploadStaged(this.opts.bucket, key, local);
      return stats;
    } finally {
      for (const f of files) f.release();
      this.opts.pins.unpin(keys);
      await rm(local, { force: true });
    }
  }

  private entry(p: Partition, key: string, tier: Tier, stats: ObjectStats): FileEntry {
    return {
      key,
      tenant: p.tenant,
      signal: p.signal,
      tier,
      hour: p.hour,
      minTime: stats.minTime,
      maxTime: stats.maxTime,
      rows: stats.rows,
      bytes: stats.bytes,
      metrics: stats.metrics,
      seqs: [],
      level: 1,
      created: Date.now(),
    };
  }

  /** Commits one step's change; `step` names its failpoints (`compact-committed`, …). */
  private async commit(step: string, add: FileEntry[], remove: FileEntry[]): Promise<void> {
    failpoint(`${step}-uploaded`);
    // Lost while the step ran (NATS away longer than the TTL): another compactor may have
    // these files, and its commit would then double what this one's adds.
    if (!(await this.mayRun()))
      throw new Error(`Cannot commit (${step}): the compaction lease was lost while it ran`);
    await this.opts.catalog.commit({ add, remove: remove.map((f) => f.key) });
    failpoint(`${step}-committed`);
    const now = Date.now();
    for (const f of remove) this.doomed.set(f.key, now);
  }

  /** Deletes dropped objects once `delete_delay` has passed and no local query pins them. */
  private async deleteDoomed(now: number): Promise<void> {
    let deleted = 0;
    for (const [key, since] of this.doomed) {
      if (since + this.opts.config.delete_delay > now || this.opts.pins.has(key)) continue;
      await this.opts.bucket.delete(key);
      this.doomed.delete(key);
      this.deleted.inc();
      deleted++;
    }
    if (deleted > 0) failpoint("compact-inputs-deleted");
  }

  /** Moves committed staged files into `v1/`: merges and rollups once what they replace is gone. */
  private async promote(): Promise<void> {
    const { bucket, catalog, pins } = this.opts;
    const { promoted, waiting } = await promoteCommitted({ bucket, catalog, pins });
    this.promoted.inc(promoted);
    if (promoted > 0) log.debug("Promoted committed files", { promoted, waiting });
  }
}
