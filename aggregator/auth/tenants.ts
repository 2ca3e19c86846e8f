/**
 * Which tenants a request acts for: resolved once, in the guard, from the principal's tenants
 * and the `X-Scope-OrgID` header (Loki's and Mimir's convention: `a` or `a|b`). The header may
 * narrow or join within what the principal may see, never widen; without it a request acts for
 * the principal's first tenant. The resolved list is put on the Hono context and handed to
 * Connect calls (context.ts), so every read surface takes its tenants from one place.
 */
import type { Context } from "hono";

/** The header naming the tenants of a request. */
export const TENANT_HEADER = "X-Scope-OrgID";

/** A principal's tenant that grants every tenant (an admin sets it; docs/auth.md). */
export const ALL_TENANTS = "*";

/** The tenant a request acts for when neither its principal nor its header names one. */
export const DEFAULT_TENANT = "default";

/** Tenant names: what a NATS subject token may hold (the agent publishes under it). */
export const TENANT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Outpost's own tenant: the audit records of users, tokens, logins, refusals and limits, which
 * belong to no tenant. Only a principal of every tenant (`*`) reads it; names beginning `__`
 * are Outpost's, granted to nobody, configured for nobody and enrolled for no agent.
 */
export const SYSTEM_TENANT = "__outpost";

/** True for a tenant name Outpost keeps for itself (begins with `__`). */
export function reservedTenant(name: string): boolean {
  return name.startsWith("__");
}

/** At most this many tenants in one request (a federated query opens one querier each). */
export const MAX_TENANTS_PER_REQUEST = 32;

/** The outcome of resolving a request's tenants. */
export type Resolved =
  | { readonly tenants: readonly string[] }
  | { readonly refused: "invalid_argument" | "permission_denied"; readonly message: string };

/**
 * The tenants a request acts for. `allowed` is the principal's list (`*`: any); `trusted`
 * (authentication off: loopback) honours any header. The refusal does not say which tenant
 * was outside, nor whether it exists.
 */
export function resolveTenants(
  allowed: readonly string[],
  header: string | undefined,
  trusted = false,
): Resolved {
  const all = trusted || allowed.includes(ALL_TENANTS);
  if (!all && allowed.length === 0)
    return { refused: "permission_denied", message: "Cannot act for any tenant: none is granted" };
  if (header === undefined || header.trim() === "") {
    const first = allowed.find((t) => t !== ALL_TENANTS);
    return { tenants: [first ?? DEFAULT_TENANT] };
  }
  const asked = [...new Set(header.split("|").map((t) => t.trim()))];
  const bad = asked.find((t) => !TENANT_NAME.test(t));
  if (bad !== undefined)
    return {
      refused: "invalid_argument",
      message: `Cannot read ${TENANT_HEADER}: ${JSON.stringify(bad)} is not a tenant name (1-64 of A-Z a-z 0-9 _ -, joined by |)`,
    };
  if (asked.length > MAX_TENANTS_PER_REQUEST)
    return {
      refused: "invalid_argument",
      message: `Cannot read ${TENANT_HEADER}: more than ${MAX_TENANTS_PER_REQUEST} tenants`,
    };
  if (!all && asked.some((t) => !allowed.includes(t)))
    return {
      refused: "permission_denied",
      message: `Cannot act for the tenants in ${TENANT_HEADER}: not all of them are granted to this principal`,
    };
  return { tenants: asked.sort() };
}

/** Checks a tenant list an admin grants: names, or `*`; throws a TypeError naming the bad one. */
export function checkTenantList(tenants: readonly string[], what: string): readonly string[] {
  if (tenants.length === 0) throw new TypeError(`Cannot set the tenants of ${what}: none given`);
  for (const t of tenants) {
    if (t !== ALL_TENANTS && !TENANT_NAME.test(t))
      throw new TypeError(
        `Cannot set the tenants of ${what}: ${JSON.stringify(t)} is not a tenant name or *`,
      );
    if (reservedTenant(t))
      throw new TypeError(
        `Cannot set the tenants of ${what}: ${JSON.stringify(t)} begins with __, kept for Outpost`,
      );
  }
  return [...new Set(tenants)];
}

/** True when a principal with `outer` tenants may hand out `inner` (a token's, from its owner's). */
export function tenantsWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return outer.includes(ALL_TENANTS) || inner.every((t) => t !== ALL_TENANTS && outer.includes(t));
}

/** The tenants the guard resolved for a request (the default tenant when it resolved none). */
export function tenantsOf(c: Context): readonly string[] {
  return (c.get("tenants" as never) as readonly string[] | undefined) ?? [DEFAULT_TENANT];
}

/** Sets a request's tenants (the guard does). */
export function setTenants(c: Context, tenants: readonly string[]): void {
  c.set("tenants" as never, tenants as never);
}

/** True when the tenants are exactly the default tenant: what single-tenant surfaces serve. */
export function onlyDefault(tenants: readonly string[]): boolean {
  return tenants.length === 1 && tenants[0] === DEFAULT_TENANT;
}
