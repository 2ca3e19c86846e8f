/**
 * The ingest side of the tenant limits: each tenant's sample and log-byte rates as token
 * buckets, asked once per batch by the consumer, and the active-series limit the metrics store
 * asks when a batch would create series.
 *
 * A batch over the rate is not dropped: it goes back to JetStream with a delay long enough for
 * the bucket to refill (Mimir's 429, which a remote-write client retries), and after
 * `rate_limit_redeliveries` deliveries it is parked on the dead-letter stream, so a flooding
 * tenant's batches are neither redelivered for ever nor lost without a trace.
 */
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import type { IngestAdmission, IngestVerdict } from "../ingest/consumer.ts";
import type { Frame } from "../ingest/frame.ts";
import type { SeriesLimit } from "../storage/store.ts";
import { TokenBucket } from "./bucket.ts";
import type { LimitsConfig } from "./config.ts";
import { batchHours, HourWindows } from "./hours.ts";
import type { Rejections } from "./rejections.ts";
import type { TenantLimitsTable } from "./tenants.ts";

/** The shortest wait before a rate-limited batch comes back. */
const MIN_DELAY_MS = 100;

interface Buckets {
  readonly samples: TokenBucket;
  readonly logBytes: TokenBucket;
}

/** Rate and series limits of every tenant, for the consumer and the metrics store. */
export class IngestLimiter implements IngestAdmission, SeriesLimit {
  private readonly buckets = new Map<string, Buckets>();
  private readonly hours = new HourWindows();
  private readonly throttled: Metric;

  constructor(
    private readonly table: TenantLimitsTable,
    private config: Pick<LimitsConfig, "rate_limit_redeliveries" | "rate_limit_max_delay">,
    private readonly rejections: Rejections,
    registry: Registry,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.throttled = registry.counter(
      "outpost_tenant_throttled_batches_total",
      "Batches handed back to JetStream with a delay because their tenant was over its ingest rate.",
      ["tenant", "signal"],
    );
  }

  /** Accepts a batch within its tenant's rate, delays one over it, refuses one that never fits. */
  admit(frame: Frame, deliveries: number): IngestVerdict {
    const logs = frame.signal === "logs";
    const cost = logs ? (frame.batch.logs?.lineBytes ?? 0) : frame.batch.samples.length;
    if (cost === 0) return ACCEPT;
    const hours = this.admitHours(frame, cost, deliveries);
    if (hours !== ACCEPT) return hours;
    const b = this.bucketsOf(frame.tenant);
    const wait = (logs ? b.logBytes : b.samples).take(cost, this.now());
    if (wait === 0) return ACCEPT;
    const unit = logs ? "log line bytes" : "samples";
    const rate = logs ? b.logBytes : b.samples;
    if (wait === Number.POSITIVE_INFINITY) {
      return this.refuse(
        frame,
        cost,
        "rate_limited",
        `a batch of ${cost} ${unit} is larger than the burst of ${rate.burst}`,
      );
    }
    if (deliveries > this.config.rate_limit_redeliveries) {
      return this.refuse(
        frame,
        cost,
        "rate_limited",
        `over the rate of ${rate.rate} ${unit}/s after ${deliveries} deliveries`,
      );
    }
    this.throttled.labels({ tenant: frame.tenant, signal: frame.signal }).inc();
    const ms = Math.min(this.config.rate_limit_max_delay, Math.max(MIN_DELAY_MS, Math.ceil(wait)));
    return { kind: "delay", ms };
  }

  /** The batch's hours against its tenant's `max_hours_per_minute` (hours.ts). */
  private admitHours(frame: Frame, cost: number, deliveries: number): IngestVerdict {
    const limit = this.table.of(frame.tenant).maxHoursPerMinute;
    if (limit === Number.POSITIVE_INFINITY) return ACCEPT;
    const hours = batchHours(frame);
    const key = `${frame.tenant}\xff${frame.signal}`;
    const wait = this.hours.take(key, hours, limit, this.now());
    if (wait === 0) return ACCEPT;
    const what = frame.signal === "logs" ? "log lines" : "samples";
    if (wait === Number.POSITIVE_INFINITY)
      return this.refuse(
        frame,
        cost,
        "max_hours",
        `a batch whose ${what} fall in ${hours.size} hours, more than max_hours_per_minute (${limit})`,
      );
    if (deliveries > this.config.rate_limit_redeliveries)
      return this.refuse(
        frame,
        cost,
        "max_hours",
        `over max_hours_per_minute (${limit}) after ${deliveries} deliveries`,
      );
    this.throttled.labels({ tenant: frame.tenant, signal: frame.signal }).inc();
    return { kind: "delay", ms: Math.max(MIN_DELAY_MS, Math.ceil(wait)) };
  }

  /**
   * After a reload: the redelivery settings of `config`, and new rate buckets (full) for the
   * `changed` tenants; the others keep theirs, tokens and all.
   */
  reset(
    config: Pick<LimitsConfig, "rate_limit_redeliveries" | "rate_limit_max_delay">,
    changed: readonly string[],
  ): void {
    this.config = config;
    for (const t of changed) this.buckets.delete(t);
    this.hours.forget(changed);
  }

  /** The series `tenant` may hold in its head. */
  maxSeries(tenant: string): number {
    return this.table.of(tenant).maxActiveSeries;
  }

  /** Counts the samples of new series dropped because `tenant` was at its series limit. */
  dropped(tenant: string, samples: number): void {
    const max = this.table.of(tenant).maxActiveSeries;
    this.rejections.refuse(
      "samples",
      tenant,
      "max_active_series",
      samples,
      `samples of new series dropped: the tenant holds its limit of ${max} active series`,
    );
  }

  private refuse(frame: Frame, cost: number, reason: string, why: string): IngestVerdict {
    const what = frame.signal === "logs" ? "log_bytes" : "samples";
    this.rejections.refuse(
      what,
      frame.tenant,
      reason,
      cost,
      `batches parked on the dead-letter stream: ${why}`,
    );
    return {
      kind: "refuse",
      reason,
      message: `Cannot ingest a batch of tenant "${frame.tenant}": ${why}`,
    };
  }

  private bucketsOf(tenant: string): Buckets {
    let b = this.buckets.get(tenant);
    if (b === undefined) {
      const l = this.table.of(tenant);
      const now = this.now();
      b = {
        samples: new TokenBucket(l.samplesPerSecond, l.samplesBurst, now),
        logBytes: new TokenBucket(l.logBytesPerSecond, l.logBytesBurst, now),
      };
      this.buckets.set(tenant, b);
    }
    return b;
  }
}

const ACCEPT: IngestVerdict = { kind: "accept" };
