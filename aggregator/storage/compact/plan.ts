/**
 * What compaction should do next, decided from the catalog alone (no I/O), so the rules are
 * easy to test: which hours to merge, which rollups to (re)write, which files retention drops.
 */
import {
  DAY_MS,
  dayOf,
  type FileEntry,
  isOwnLogs,
  type Signal,
  type Tier,
} from "../catalog/entry.ts";
import { ROLLUP_SCHEMA } from "../parquet/rollup.ts";
import { mergedHourly, rollsUp } from "../rollup_current.ts";

const HOUR_MS = 3_600_000;

/** Compaction settings, durations in ms (0 retention keeps data forever). */
export interface CompactionRules {
  delay: number;
  retention_raw: number;
  retention_1m: number;
  retention_5m: number;
  /** Retention of the 1 h rollups; 0 (keep) when absent. */
  retention_1h?: number;
  /** Retention of Outpost's own log files (alert history); `retention_raw` when absent. */
  retention_own?: number;
}

/** The raw files of one signal of a tenant's hour. */
export interface Partition {
  signal: Signal;
  tenant: string;
  hour: number;
  files: FileEntry[];
}

/**
 * Groups raw files by (signal, tenant, hour), Outpost's own log files apart from the others'
 * (they have their own retention, so a merge must not mix them). A logs partition lists its files by key, the
 * order queries read them in: a merge keeps equal times of a stream in input order, so the
 * merged file then returns them as the inputs did.
 */
export function partitions(files: readonly FileEntry[]): Partition[] {
  const byKey = new Map<string, Partition>();
  for (const f of files) {
    if (f.tier !== "raw") continue;
    const key = `${f.signal}/${f.tenant}/${f.hour}${isOwnLogs(f) ? "/own" : ""}`;
    const p = byKey.get(key) ?? { signal: f.signal, tenant: f.tenant, hour: f.hour, files: [] };
    byKey.set(key, p);
    p.files.push(f);
  }
  for (const p of byKey.values()) {
    if (p.signal === "logs") p.files.sort((a, b) => compare(a.key, b.key));
  }
  return [...byKey.values()].sort(
    (a, b) => a.hour - b.hour || compare(a.tenant, b.tenant) || compare(a.signal, b.signal),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True once an hour has ended more than `delay` ago: late data is then unlikely. */
export function isClosed(hour: number, now: number, rules: CompactionRules): boolean {
  return hour + HOUR_MS + rules.delay <= now;
}

/**
 * Closed partitions (metrics and logs) not yet reduced to one merged file: several files are
 * merged into one, and a lone flush file is rewritten too (merged files use a stronger zstd
 * level; see docs/storage.md).
 */
export function toMerge(
  all: readonly FileEntry[],
  now: number,
  rules: CompactionRules,
): Partition[] {
  return partitions(all).filter(
    (p) => (p.files.length > 1 || p.files[0].level === 0) && isClosed(p.hour, now, rules),
  );
}

/**
 * Rollups to write: for each closed metrics partition with a single merged file, each tier whose
 * rollup is missing, older than the raw file (late data arrived and was merged in) or of an
 * older schema (rewritten, so that queries can read it). Logs have no rollups.
 */
export function toRollUp(
  all: readonly FileEntry[],
  now: number,
  rules: CompactionRules,
): { partition: Partition; tier: "1m" | "5m"; replaces: FileEntry[] }[] {
  const rollups = new Map<string, FileEntry[]>();
  for (const f of all) {
    if (f.signal !== "metrics" || f.tier === "raw") continue;
    const key = `${f.tenant}/${f.hour}/${f.tier}`;
    rollups.set(key, [...(rollups.get(key) ?? []), f]);
  }
  const out = [];
  for (const p of partitions(all)) {
    if (p.signal !== "metrics") continue;
    if (p.files.length !== 1 || p.files[0].level === 0 || !isClosed(p.hour, now, rules)) continue;
    for (const tier of ["1m", "5m"] as const) {
      const existing = rollups.get(`${p.tenant}/${p.hour}/${tier}`) ?? [];
      const current = existing.some((r) => rollsUp(r, p.files));
      if (!current && !expired(p.files[0], tier, now, rules)) {
        out.push({ partition: p, tier, replaces: existing });
      }
    }
  }
  return out;
}

/** A day's 1 h rollup to (re)write: the day's raw metric files, and the rollups it replaces. */
export interface DayRollup {
  tenant: string;
  /** Start of the UTC day. */
  day: number;
  files: FileEntry[];
  replaces: FileEntry[];
  /**
   * The current 5 m rollup of each of `files`' hours, in hour order, when every hour has one:
   * the day is then folded from them (12–240× fewer rows than its samples); else null.
   */
  fiveMinute: FileEntry[] | null;
}

/**
 * 1 h rollups to write, a file a day: for each tenant's closed day whose every raw metrics
 * file is merged (one merged file an hour, hours without data have none), when its 1 h rollup
 * is missing, older than one of those files (late data was merged in) or of an older schema.
 * Inputs are all the day's raw files, so `all` must be the whole catalog, not a scope of it: a
 * day's rollup stands for every hour of the day (storage/rollup_cover.ts).
 */
export function toRollUpDays(
  all: readonly FileEntry[],
  now: number,
  rules: CompactionRules,
): DayRollup[] {
  const days = new Map<string, DayRollup>();
  const dayOfFile = (f: FileEntry) => {
    const key = `${f.tenant}/${dayOf(f.hour)}`;
    let d = days.get(key);
    if (d === undefined) {
      d = { tenant: f.tenant, day: dayOf(f.hour), files: [], replaces: [], fiveMinute: null };
      days.set(key, d);
    }
    return d;
  };
  const fiveMinute = new Map<string, FileEntry>();
  for (const f of all) {
    if (f.signal !== "metrics") continue;
    if (f.tier === "raw") dayOfFile(f).files.push(f);
    else if (f.tier === "1h") dayOfFile(f).replaces.push(f);
    else if (f.tier === "5m" && f.schema === ROLLUP_SCHEMA)
      fiveMinute.set(`${f.tenant}/${f.hour}`, f);
  }
  const out: DayRollup[] = [];
  for (const d of days.values()) {
    if (d.files.length === 0 || !isClosed(d.day + DAY_MS - HOUR_MS, now, rules)) continue;
    if (!mergedHourly(d.files)) continue;
    const current = d.replaces.some((r) => rollsUp(r, d.files));
    const lastSample = Math.max(...d.files.map((f) => f.maxTime));
    if (current || lastSample < now - retention(d.files[0], "1h", rules)) continue;
    d.files.sort((a, b) => a.hour - b.hour);
    const rolled = d.files.map((f) => fiveMinute.get(`${f.tenant}/${f.hour}`));
    if (rolled.every((r, i) => r !== undefined && rollsUp(r, [d.files[i]])))
      d.fiveMinute = rolled as FileEntry[];
    out.push(d);
  }
  return out.sort((a, b) => a.day - b.day || compare(a.tenant, b.tenant));
}

/** Files (metrics and logs) whose newest sample or record is older than their tier's retention. */
export function toExpire(
  all: readonly FileEntry[],
  now: number,
  rules: CompactionRules,
): FileEntry[] {
  return all.filter((f) => expired(f, f.tier, now, rules));
}

function expired(f: FileEntry, tier: Tier, now: number, rules: CompactionRules): boolean {
  return f.maxTime < now - retention(f, tier, rules);
}

/** How long `f`'s kind of data is kept in `tier`, in ms; Infinity where it is kept for ever. */
function retention(f: FileEntry, tier: Tier, rules: CompactionRules): number {
  const raw = isOwnLogs(f) ? (rules.retention_own ?? rules.retention_raw) : rules.retention_raw;
  const keep = {
    raw,
    "1m": rules.retention_1m,
    "5m": rules.retention_5m,
    "1h": rules.retention_1h ?? 0,
  }[tier];
  return keep > 0 ? keep : Number.POSITIVE_INFINITY;
}
