/**
 * Which tenants a `POST /-/reload` reloads: the rule files and alertmanager.yml of those
 * `X-Scope-OrgID` names (the guard has checked the grant), else of every tenant its principal
 * holds, so an admin of one tenant reloads that tenant's alone and an operator (`*`) all.
 */
import type { Context } from "hono";
import { principalOf } from "./guard.ts";
import { ALL_TENANTS, TENANT_HEADER, tenantsOf } from "./tenants.ts";

/** The tenants a reload request acts for; undefined for every tenant. */
export function reloadScope(c: Context): readonly string[] | undefined {
  if (c.req.header(TENANT_HEADER) !== undefined) return tenantsOf(c);
  const held = principalOf(c).tenants;
  return held.includes(ALL_TENANTS) ? undefined : held;
}
