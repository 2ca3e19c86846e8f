/**
 * The orphan sweep of the compactor: deletes objects the catalog does not know once they are
 * old enough to be leftovers of a crash — under `staging/`, files uploaded but never committed
 * (or replaced before their promotion); under `v1/`, in recent closed partitions, inputs of a
 * merge whose deletion a crash interrupted (and uncommitted files of buckets written before
 * staging).
 */
import type { Bucket } from "../bucket/bucket.ts";
import type { Catalog } from "../catalog/catalog.ts";
import {
  createdFromKey,
  DAY_MS,
  dayOf,
  partitionPrefix,
  type Signal,
  type Tier,
} from "../catalog/entry.ts";
import { finalKey, STAGING_PREFIX } from "../staging/staging.ts";
import type { Pins } from "../union.ts";
import { type CompactionRules, isClosed, partitions } from "./plan.ts";

/** Orphans are looked for in closed partitions this recent (a crash leaves them recent). */
const SWEEP_WINDOW_MS = 48 * 3_600_000;

/** The folders (tiers) each signal writes. */
/** The tiers with a partition an hour (1 h rollups have one a day: `sweepDays`). */
const TIERS: Record<Signal, readonly Tier[]> = { metrics: ["raw", "1m", "5m"], logs: ["raw"] };

/** What the sweep needs from its compactor. */
export interface SweepOptions {
  bucket: Bucket;
  catalog: Catalog;
  pins: Pins;
  rules: CompactionRules & { delete_delay: number };
  /** An uncommitted object older than this is an orphan of a crash. */
  orphanAgeMs: number;
  /** True for an object the compactor dropped and will delete itself. */
  isDoomed: (key: string) => boolean;
  /** Called for each object deleted. */
  onDeleted: () => void;
}

/** Finds and deletes the orphans of closed partitions, each partition once per process. */
export class OrphanSweeper {
  /** When the sweep first saw each object the catalog does not know. */
  private readonly unknownSince = new Map<string, number>();
  /** Partitions already swept for orphans by this process. */
  private readonly swept = new Set<string>();

  constructor(private readonly opts: SweepOptions) {}

  /** Sweeps each closed partition of the last two days once per process. */
  async sweepClosed(now: number): Promise<void> {
    for (const p of partitions(this.opts.catalog.all())) {
      const id = `${p.signal}/${p.tenant}/${p.hour}`;
      if (this.swept.has(id) || !isClosed(p.hour, now, this.opts.rules)) continue;
      if (p.hour < now - SWEEP_WINDOW_MS) continue;
      let young = 0;
      for (const tier of TIERS[p.signal]) {
        young += await this.sweepOrphans(partitionPrefix(p.tenant, p.signal, tier, p.hour));
      }
      // An unknown object too young to judge is looked at again at the next run.
      if (young === 0) this.swept.add(id);
    }
    await this.sweepDays(now);
  }

  /** Sweeps the 1 h rollups' partitions (a file a day, under its first hour) of closed days. */
  private async sweepDays(now: number): Promise<void> {
    for (const p of partitions(this.opts.catalog.all())) {
      const day = dayOf(p.hour);
      const id = `metrics_1h/${p.tenant}/${day}`;
      if (p.signal !== "metrics" || this.swept.has(id) || day < now - SWEEP_WINDOW_MS) continue;
      if (!isClosed(day + DAY_MS - 3_600_000, now, this.opts.rules)) continue;
      const young = await this.sweepOrphans(partitionPrefix(p.tenant, "metrics", "1h", day));
      if (young === 0) this.swept.add(id);
    }
  }

  /** Deletes staged objects no commit names (a flush or merge that never committed). */
  async sweepStaging(): Promise<void> {
    await this.sweepOrphans(STAGING_PREFIX, (key) => finalKey(key) ?? key);
  }

  /**
   * Deletes the orphans under `prefix`; `committedAs` gives the key the catalog would know an
   * object by. Returns how many unknown objects were too young to delete yet (a flush may be
   * between its upload and its commit).
   */
  private async sweepOrphans(
    prefix: string,
    committedAs: (key: string) => string = (key) => key,
  ): Promise<number> {
    const { bucket, catalog, pins, rules } = this.opts;
    const listed = await bucket.list(prefix);
    // Refresh after listing: a file committed (by anyone) before the listing is then known.
    await catalog.refresh();
    const known = new Set(catalog.all().map((f) => f.key));
    const now = Date.now();
    const cutoff = now - Math.max(this.opts.orphanAgeMs, rules.delete_delay);
    let young = 0;
    for (const key of listed) {
      const as = committedAs(key);
      if (known.has(as) || this.opts.isDoomed(as) || pins.has(as)) {
        this.unknownSince.delete(key);
        continue;
      }
      // Old by its name, and unknown here for delete_delay: a query elsewhere that still read
      // it as a merge input has had that long to finish.
      const since = this.unknownSince.get(key) ?? now;
      this.unknownSince.set(key, since);
      const created = createdFromKey(as);
      if (Number.isFinite(created) && created < cutoff && since + rules.delete_delay <= now) {
        await bucket.delete(key);
        this.unknownSince.delete(key);
        this.opts.onDeleted();
      } else young++;
    }
    return young;
  }
}
