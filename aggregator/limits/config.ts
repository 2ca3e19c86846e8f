/**
 * `limits` in the aggregator's config: what one tenant may ingest and query. `defaults` apply to
 * every tenant; `tenants.<name>` overrides some of them for one tenant. 0 means no limit of its
 * own. The defaults are 0 but for the queue of waiting queries, the alerts a notifier holds and
 * the hours ingest may open a minute, which a sender could otherwise grow without end
 * (docs/limits.md).
 */
import { z } from "zod";
import { byteSize, positiveDuration } from "../../shared/config/fields.ts";

const count = () => z.number().int().nonnegative();
const rate = () => z.number().nonnegative();

/** What each field means, shared by `defaults` and the per-tenant overrides. */
const ABOUT = {
  max_active_series:
    "Series a tenant may hold in an aggregator's head. Samples of a new series past it are dropped (existing series keep theirs) and counted with reason `max_active_series`. 0: no limit (Mimir's default is 150000).",
  ingest_samples_per_second:
    "Samples per second a tenant may ingest, on average. A batch over it is handed back to JetStream with a delay and, after `rate_limit_redeliveries`, dead-lettered. 0: no limit (Mimir's default is 10000).",
  ingest_samples_burst:
    "Samples a tenant may ingest at once above the rate; a batch larger than it is dead-lettered at once. 0: ten seconds' worth of the rate.",
  ingest_log_bytes_per_second:
    "Log line bytes per second a tenant may ingest, on average; over it as for samples. 0: no limit (Loki's default is 4MB).",
  ingest_log_bytes_burst:
    "Log line bytes a tenant may ingest at once above the rate. 0: ten seconds' worth of the rate.",
  max_hours_per_minute:
    "Distinct hours a tenant's samples, and apart its log lines, may fall in per minute of ingest. Each hour is a partition of storage, a file at every flush that holds it: an agent's batches fall in one or two, and the replay of a spool kept through an outage in many, which this paces (at 120, five days of backlog a minute). A batch that would open more is handed back to JetStream until the minute ends and, after `rate_limit_redeliveries`, dead-lettered; one whose own data falls in more hours than this is dead-lettered at once. 0: no limit.",
  max_query_concurrency:
    "Queries (PromQL and LogQL) of one tenant evaluated at once; more wait in the tenant's queue. 0: only `query.max_concurrency` applies.",
  max_queued_queries:
    "Queries of one tenant waiting for a slot; one more is refused with 429 `too many outstanding requests` (Mimir's `max_outstanding_requests_per_tenant`). Used with `max_query_concurrency`.",
  max_samples_per_query:
    "Samples one PromQL query may hold in memory, or log lines one LogQL query may read; past it the query fails with Prometheus's `query processing would load too many samples into memory in query execution`. 0: the engine's 50000000 for PromQL, no limit for LogQL.",
  max_alerts:
    "Alerts a tenant's notifier may hold (Mimir's `alertmanager_max_alerts_count`). A new alert posted to `POST /api/v2/alerts` past it is not stored: the post is answered 400 naming how many were refused, and they are counted with reason `max_alerts`; alerts already held are still updated and resolved, and the tenant's own rules' alerts are always kept (their groups' `limit` bounds them). 0: no limit.",
} as const;

/** One tenant's limits with every default applied. */
export const tenantLimitsSchema = z
  .object({
    max_active_series: count().default(0).describe(ABOUT.max_active_series),
    ingest_samples_per_second: rate().default(0).describe(ABOUT.ingest_samples_per_second),
    ingest_samples_burst: count().default(0).describe(ABOUT.ingest_samples_burst),
    ingest_log_bytes_per_second: byteSize().prefault(0).describe(ABOUT.ingest_log_bytes_per_second),
    ingest_log_bytes_burst: byteSize().prefault(0).describe(ABOUT.ingest_log_bytes_burst),
    max_hours_per_minute: count().default(120).describe(ABOUT.max_hours_per_minute),
    max_query_concurrency: count().default(0).describe(ABOUT.max_query_concurrency),
    max_queued_queries: count().default(100).describe(ABOUT.max_queued_queries),
    max_samples_per_query: count().default(0).describe(ABOUT.max_samples_per_query),
    max_alerts: count().default(100_000).describe(ABOUT.max_alerts),
  })
  .strict();

/** One tenant's overrides: any field of the defaults. */
const tenantOverridesSchema = z
  .object({
    max_active_series: count().optional().describe(ABOUT.max_active_series),
    ingest_samples_per_second: rate().optional().describe(ABOUT.ingest_samples_per_second),
    ingest_samples_burst: count().optional().describe(ABOUT.ingest_samples_burst),
    ingest_log_bytes_per_second: byteSize().optional().describe(ABOUT.ingest_log_bytes_per_second),
    ingest_log_bytes_burst: byteSize().optional().describe(ABOUT.ingest_log_bytes_burst),
    max_hours_per_minute: count().optional().describe(ABOUT.max_hours_per_minute),
    max_query_concurrency: count().optional().describe(ABOUT.max_query_concurrency),
    max_queued_queries: count().optional().describe(ABOUT.max_queued_queries),
    max_samples_per_query: count().optional().describe(ABOUT.max_samples_per_query),
    max_alerts: count().optional().describe(ABOUT.max_alerts),
  })
  .strict();

/** `limits`: per-tenant limits on ingest and queries. */
export const limitsSchema = z
  .object({
    defaults: tenantLimitsSchema.prefault({}).describe("Limits of every tenant."),
    tenants: z
      .record(z.string(), tenantOverridesSchema)
      .default({})
      .describe("Limits of named tenants: each field given overrides the default."),
    rate_limit_redeliveries: count()
      .default(5)
      .describe(
        "Times a batch over its tenant's ingest rate is handed back to JetStream (a delayed NAK) before it is parked on the dead-letter stream with reason `rate_limited`.",
      ),
    rate_limit_max_delay: positiveDuration()
      .prefault("30s")
      .describe(
        "The longest a batch over its tenant's ingest rate waits before it is delivered again.",
      ),
  })
  .strict();

/** One tenant's limits, loaded. */
export type TenantLimitsConfig = z.output<typeof tenantLimitsSchema>;

/** The loaded `limits` section. */
export type LimitsConfig = z.output<typeof limitsSchema>;
