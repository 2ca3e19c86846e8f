/**
 * Each tenant's limits: the `defaults` with the tenant's own overrides laid over them, and the
 * bursts a 0 leaves to be derived, resolved once per tenant.
 */
import type { LimitsConfig, TenantLimitsConfig } from "./config.ts";

/** Seconds of rate a burst of 0 stands for. */
const DEFAULT_BURST_SECONDS = 10;

/** One tenant's limits as the checks read them: `Infinity` where there is no limit. */
export interface TenantLimits {
  readonly maxActiveSeries: number;
  readonly samplesPerSecond: number;
  readonly samplesBurst: number;
  readonly logBytesPerSecond: number;
  readonly logBytesBurst: number;
  readonly maxHoursPerMinute: number;
  readonly maxQueryConcurrency: number;
  readonly maxQueuedQueries: number;
  readonly maxSamplesPerQuery: number;
  readonly maxAlerts: number;
}

/** Looks up the limits of a tenant by name. */
export class TenantLimitsTable {
  private readonly resolved = new Map<string, TenantLimits>();

  constructor(private config: LimitsConfig) {}

  /**
   * Puts `config` in force (a reload); returns the tenants already looked up whose limits it
   * changes, so that the limiters rebuild those tenants' buckets and query slots.
   */
  update(config: LimitsConfig): string[] {
    const before = new Map(this.resolved);
    this.config = config;
    this.resolved.clear();
    return [...before].filter(([t, l]) => !sameLimits(l, this.of(t))).map(([t]) => t);
  }

  /** The limits of `tenant` (the defaults for a tenant not named in the config). */
  of(tenant: string): TenantLimits {
    let limits = this.resolved.get(tenant);
    if (limits === undefined) {
      const own = Object.hasOwn(this.config.tenants, tenant) ? this.config.tenants[tenant] : {};
      limits = resolve({ ...this.config.defaults, ...withoutUndefined(own) });
      this.resolved.set(tenant, limits);
    }
    return limits;
  }
}

function resolve(c: TenantLimitsConfig): TenantLimits {
  const samplesPerSecond = unlimitedIfZero(c.ingest_samples_per_second);
  const logBytesPerSecond = unlimitedIfZero(c.ingest_log_bytes_per_second);
  return {
    maxActiveSeries: unlimitedIfZero(c.max_active_series),
    samplesPerSecond,
    samplesBurst: c.ingest_samples_burst || samplesPerSecond * DEFAULT_BURST_SECONDS,
    logBytesPerSecond,
    logBytesBurst: c.ingest_log_bytes_burst || logBytesPerSecond * DEFAULT_BURST_SECONDS,
    maxHoursPerMinute: unlimitedIfZero(c.max_hours_per_minute),
    maxQueryConcurrency: unlimitedIfZero(c.max_query_concurrency),
    maxQueuedQueries: c.max_queued_queries,
    maxSamplesPerQuery: unlimitedIfZero(c.max_samples_per_query),
    maxAlerts: unlimitedIfZero(c.max_alerts),
  };
}

function sameLimits(a: TenantLimits, b: TenantLimits): boolean {
  return (Object.keys(a) as (keyof TenantLimits)[]).every((k) => a[k] === b[k]);
}

function unlimitedIfZero(n: number): number {
  return n > 0 ? n : Number.POSITIVE_INFINITY;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
