/**
 * The tenant limits of one aggregator, built from the `limits` config section: the ingest
 * limiter the consumer and the metrics store ask, and the query limiter the engines ask. They
 * share one table of limits per tenant and one set of rejection counters (docs/limits.md).
 */
import type { Registry } from "../../shared/metrics/registry.ts";
import type { LimitsConfig } from "./config.ts";
import { IngestLimiter } from "./ingest.ts";
import { QueryLimiter } from "./queries.ts";
import { Rejections } from "./rejections.ts";
import { TenantLimitsTable } from "./tenants.ts";

/** The limiters of every tenant. */
export interface TenantLimiters {
  readonly ingest: IngestLimiter;
  readonly queries: QueryLimiter;
}

/** Builds the limiters of `config`, counting refusals in `registry`. */
export function tenantLimiters(config: LimitsConfig, registry: Registry): TenantLimiters {
  const table = new TenantLimitsTable(config);
  const rejections = new Rejections(registry);
  return {
    ingest: new IngestLimiter(table, config, rejections, registry),
    queries: new QueryLimiter(table, rejections),
  };
}
