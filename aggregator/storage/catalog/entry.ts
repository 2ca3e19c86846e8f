/** What the catalog records about one committed object. */

/** Signals stored; each has its own folder under a tenant. */
export type Signal = "metrics" | "logs";

/**
 * Resolution tier: raw samples, or 1-minute / 5-minute rollups (a file an hour), or 1-hour
 * rollups (a file a day: `hour` is the start of its UTC day, see {@link dayOf}).
 */
export type Tier = "raw" | "1m" | "5m" | "1h";

/** One committed Parquet object. */
export interface FileEntry {
  /** Object key in the bucket. */
  key: string;
  tenant: string;
  signal: Signal;
  tier: Tier;
  /** Start of the hour partition the file belongs to (Unix ms). */
  hour: number;
  /** Oldest and newest sample timestamp (Unix ms). */
  minTime: number;
  maxTime: number;
  rows: number;
  bytes: number;
  /** Distinct metric names, sorted: lets a query skip files without its metric. */
  metrics: string[];
  /** JetStream sequences whose data the file holds, as sorted inclusive [first, last] ranges. */
  seqs: [number, number][];
  /** 0 for a file written by a flush or an import, 1 for a merged (compacted) file. */
  level: number;
  /**
   * A rollup's schema version (parquet/rollup.ts `ROLLUP_SCHEMA`); absent on rollups written
   * before version 2 (windows [start, start + step)), which queries do not read and the
   * compactor rewrites.
   */
  schema?: number;
  /** When the file was committed (Unix ms). */
  created: number;
}

const HOUR_MS = 3_600_000;

/**
 * The `job` of the log streams Outpost writes itself (alert history). Their records are
 * flushed and merged into files of their own, so that those files can have a retention of
 * their own (`alerting.history.retention`).
 */
export const OWN_LOGS_JOB = "outpost";

/** Whether a file holds only Outpost's own log streams (see {@link OWN_LOGS_JOB}). */
export function isOwnLogs(f: Pick<FileEntry, "signal" | "metrics">): boolean {
  return f.signal === "logs" && f.metrics.length === 1 && f.metrics[0] === OWN_LOGS_JOB;
}

/** Start of the hour holding `ms`. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** A day, the partition of the 1 h rollups, in ms. */
export const DAY_MS = 24 * HOUR_MS;

/** Start of the UTC day holding `ms`. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The rollup tiers, coarsest first, with their window and the span of one file (its
 * partition): an hour, a day for the 1 h rollups.
 */
export const ROLLUP_TIERS = {
  "1h": { stepMs: HOUR_MS, partMs: DAY_MS },
  "5m": { stepMs: 300_000, partMs: HOUR_MS },
  "1m": { stepMs: 60_000, partMs: HOUR_MS },
} as const;

/** A rollup tier. */
export type RollupTier = keyof typeof ROLLUP_TIERS;

/** The tier whose windows are `stepMs` long, or null. */
export function tierOfStep(stepMs: number): RollupTier | null {
  for (const [tier, t] of Object.entries(ROLLUP_TIERS))
    if (t.stepMs === stepMs) return tier as RollupTier;
  return null;
}

/** The folder name of a signal and tier: `metrics`, `metrics_1m`, `metrics_5m`, `metrics_1h`. */
export function signalFolder(signal: Signal, tier: Tier): string {
  return tier === "raw" ? signal : `${signal}_${tier}`;
}

/**
 * The Hive-style key of a new object:
 * `v1/tenant=<t>/signal=<s>/date=YYYY-MM-DD/hour=HH/<created>-<writer>-<kind>-<random>.parquet`.
 * The creation time leads the name so that an orphan's age can be told from its key.
 */
export function objectKey(
  tenant: string,
  signal: Signal,
  tier: Tier,
  hour: number,
  writer: string,
  kind: string,
  created = Date.now(),
): string {
  const iso = new Date(hour).toISOString();
  const random = Math.random().toString(36).slice(2, 8).padEnd(6, "0");
  return (
    `v1/tenant=${tenant}/signal=${signalFolder(signal, tier)}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/` +
    `${String(created).padStart(13, "0")}-${writer}-${kind}-${random}.parquet`
  );
}

/** The creation time encoded in an object key's file name, or NaN. */
export function createdFromKey(key: string): number {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return Number(name.slice(0, 13));
}

/** The key prefix of one hour partition. */
export function partitionPrefix(tenant: string, signal: Signal, tier: Tier, hour: number): string {
  const iso = new Date(hour).toISOString();
  return `v1/tenant=${tenant}/signal=${signalFolder(signal, tier)}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}
