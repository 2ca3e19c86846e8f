/**
 * The alerts a tenant's notifier may hold (`limits.max_alerts`): each post to the tenant's
 * `POST /api/v2/alerts` reads the limit in force, so a reload of `limits` applies to the next
 * post. What is refused is counted and logged through the tenants' rejections.
 */
import type { Registry } from "../../shared/metrics/registry.ts";
import type { LimitsConfig } from "./config.ts";
import { Rejections } from "./rejections.ts";
import { TenantLimitsTable } from "./tenants.ts";

/** The alert limit of each tenant. */
export class AlertLimits {
  constructor(
    private readonly table: TenantLimitsTable,
    private readonly rejections: Rejections,
  ) {}

  /**
   * The limit of `tenant` in the shape the notifier asks (notify/notifier.ts `AlertLimit`):
   * the most alerts it may hold (`Infinity` without a limit), and the count of refusals.
   */
  of(tenant: string) {
    return {
      max: () => this.table.of(tenant).maxAlerts,
      refused: (n: number, detail: string) =>
        this.rejections.refuse("alerts", tenant, "max_alerts", n, detail),
    };
  }
}

/**
 * The alert limits alone, for a process that neither ingests nor queries (`outpost notifier`,
 * which must not load the query engine the query limiter brings); `update` puts a reloaded
 * `limits` section in force.
 */
export function alertLimitsOnly(config: LimitsConfig, registry: Registry) {
  const table = new TenantLimitsTable(config);
  return {
    alerts: new AlertLimits(table, new Rejections(registry)),
    update: (next: LimitsConfig): string[] => table.update(next),
  };
}
