/**
 * Surfaces kept for the default tenant only: the rules, the notifier (alerts, groups,
 * silences, receivers), the notification history, the AlertsService and the audit log are
 * not yet per tenant (docs/auth.md, "Tenants"). A request for any other tenant is refused
 * by the guard, with the same words whatever the tenant, rather than shown the default tenant's.
 */
import { DEFAULT_TENANT, onlyDefault } from "./tenants.ts";

/** Paths (exact, or prefixes ending in `/`) served for the default tenant only. */
export const DEFAULT_TENANT_PATHS: readonly string[] = [
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/alerts/history",
  "/api/v2/",
  "/outpost.alerts.v1.AlertsService/",
  "/outpost.admin.v1.AdminService/ListAudit",
];

/** True when `path` is one of {@link DEFAULT_TENANT_PATHS}. */
export function defaultTenantPath(path: string): boolean {
  return DEFAULT_TENANT_PATHS.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p));
}

/** Why `path` is refused for `tenants`, or undefined when it may be served. */
export function singleTenantRefusal(path: string, tenants: readonly string[]): string | undefined {
  if (!defaultTenantPath(path) || onlyDefault(tenants)) return undefined;
  return `Cannot serve ${path} for this tenant: rules, alerts, silences, notification history and the audit log are kept for tenant "${DEFAULT_TENANT}" only`;
}
