/**
 * The tenant limits of one aggregator, built from the `limits` config section: the ingest
 * limiter the consumer and the metrics store ask, the query limiter the engines ask and the
 * alert limits the notifiers ask. They share one table of limits per tenant and one set of
 * rejection counters (docs/limits.md).
 */
import type { Registry } from "../../shared/metrics/registry.ts";
import { AlertLimits } from "./alerts.ts";
import type { LimitsConfig } from "./config.ts";
import { IngestLimiter } from "./ingest.ts";
import { QueryLimiter } from "./queries.ts";
import { Rejections } from "./rejections.ts";
import { TenantLimitsTable } from "./tenants.ts";

/** The limiters of every tenant. */
export interface TenantLimiters {
  readonly ingest: IngestLimiter;
  readonly queries: QueryLimiter;
  readonly alerts: AlertLimits;
  /** Puts a reloaded `limits` section in force; returns the tenants whose limits changed. */
  update(config: LimitsConfig): string[];
}

/** Builds the limiters of `config`, counting refusals in `registry`. */
export function tenantLimiters(config: LimitsConfig, registry: Registry): TenantLimiters {
  const table = new TenantLimitsTable(config);
  const rejections = new Rejections(registry);
  const ingest = new IngestLimiter(table, config, rejections, registry);
  const queries = new QueryLimiter(table, rejections);
  return {
    ingest,
    queries,
    alerts: new AlertLimits(table, rejections),
    update(next) {
      const changed = table.update(next);
      ingest.reset(next, changed);
      queries.reset(changed);
      return changed;
    },
  };
}
