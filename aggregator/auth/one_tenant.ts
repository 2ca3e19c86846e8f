/**
 * Surfaces that serve one tenant per request: the rules, the notifier (alerts, groups,
 * silences, receivers), the notification history, the AlertsService and the audit log are kept
 * per tenant (docs/notify.md, "Tenants"). A request joining tenants (`X-Scope-OrgID: a|b`) is
 * refused there, as Mimir's ruler and Alertmanager APIs refuse it: they have no merged shape.
 */
import { TENANT_HEADER } from "./tenants.ts";

/** Paths (exact, or prefixes ending in `/`) that serve one tenant per request. */
export const ONE_TENANT_PATHS: readonly string[] = [
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/alerts/history",
  "/api/v2/",
  "/prometheus/config/v1/rules",
  "/prometheus/config/v1/rules/",
  "/config/v1/rules",
  "/config/v1/rules/",
  "/outpost.alerts.v1.AlertsService/",
  "/outpost.admin.v1.AdminService/ListAudit",
];

/** True when `path` is one of {@link ONE_TENANT_PATHS}. */
export function oneTenantPath(path: string): boolean {
  return ONE_TENANT_PATHS.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p));
}

/** Why `path` is refused for `tenants`, or undefined when it may be served. */
export function joinRefusal(path: string, tenants: readonly string[]): string | undefined {
  if (tenants.length <= 1 || !oneTenantPath(path)) return undefined;
  return `Cannot serve ${path} for several tenants: rules, alerts, silences, notification history and the audit log are per tenant; name one tenant in ${TENANT_HEADER}`;
}
