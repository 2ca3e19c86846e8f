/**
 * Which of Outpost's own audit records (users, tokens, logins, refusals, limits: the tenant of
 * no one, `SYSTEM_TENANT`) an admin may read. An admin of every tenant reads them all; an admin
 * granted some tenants reads those about the users they manage (users within their tenants,
 * as ListUsers shows them), so no admin learns another tenant's users, tokens or logins.
 */
import type { UserRecord } from "../auth/records.ts";
import type { Principal } from "../auth/roles.ts";
import { ALL_TENANTS, tenantsWithin } from "../auth/tenants.ts";
import type { AuditRecord } from "./record.ts";

/** The user a record of no tenant is about, where it names one. */
export function recordUser(r: AuditRecord): string | undefined {
  if (r.action.startsWith("user.") || r.action === "login") return r.target;
  if (r.action.startsWith("token.")) {
    const owner = r.changes?.owner;
    return typeof owner === "string" ? owner : undefined;
  }
  if (r.action === "request" || r.action === "receiver.test") return r.actor.user ?? r.actor.name;
  return undefined;
}

/** Whether `principal` may read the record of no tenant `r`; `user` looks a user up. */
export function systemRecordVisible(
  r: AuditRecord,
  principal: Principal,
  user: (name: string) => UserRecord | undefined,
): boolean {
  if (principal.tenants.includes(ALL_TENANTS)) return true;
  const name = recordUser(r);
  const u = name === undefined ? undefined : user(name);
  return u !== undefined && tenantsWithin(u.tenants, principal.tenants);
}
