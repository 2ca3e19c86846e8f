/**
 * Which of Outpost's own audit records (users, tokens, logins, refusals, limits: the tenant of
 * no one, `SYSTEM_TENANT`) an admin may read. An admin of every tenant reads them all; an admin
 * granted some tenants reads those about the users they manage (users within their tenants,
 * as ListUsers shows them), so no admin learns another tenant's users, tokens or logins.
 */
import type { UserRecord } from "../auth/records.ts";
import type { Principal } from "../auth/roles.ts";
import { ALL_TENANTS, tenantsWithin } from "../auth/tenants.ts";
import type { AuditQuery } from "./query.ts";
import type { AuditRecord } from "./record.ts";

/**
 * How much earlier than a user's creation a record about them may be and still be theirs (the
 * clocks of two aggregators): older records are of an earlier user of the same name.
 */
const CLOCK_SLACK_MS = 60_000;

/** Pages of records read at most, looking for `limit` an admin may see. */
const MAX_PAGES = 20;

/** The user a record of no tenant is about, where it names one. */
export function recordUser(r: AuditRecord): string | undefined {
  if (r.action.startsWith("user.") || r.action === "login" || r.action === "logout")
    return r.target;
  if (r.action.startsWith("token.")) {
    const owner = r.changes?.owner;
    return typeof owner === "string" ? owner : undefined;
  }
  if (r.action === "request" || r.action === "receiver.test") return r.actor.user ?? r.actor.name;
  return undefined;
}

/**
 * The tenants a record of a user's change names (`user.*` records carry the user's tenants, a
 * move both lists), so it stays readable by the admins of the user it was about after the user
 * is gone; undefined for other records.
 */
function userTenants(r: AuditRecord): string[] | undefined {
  if (!r.action.startsWith("user.")) return undefined;
  const t = r.changes?.tenants;
  if (typeof t === "string") return t.split("|");
  if (t !== null && typeof t === "object") {
    const { from, to } = t as { from?: unknown; to?: unknown };
    if (typeof from === "string" && typeof to === "string")
      return [...from.split("|"), ...to.split("|")];
  }
  return undefined;
}

/** Whether `principal` may read the record of no tenant `r`; `user` looks a user up. */
export function systemRecordVisible(
  r: AuditRecord,
  principal: Principal,
  user: (name: string) => UserRecord | undefined,
): boolean {
  if (principal.tenants.includes(ALL_TENANTS)) return true;
  const named = userTenants(r);
  if (named !== undefined) return tenantsWithin(named, principal.tenants);
  // Logins, refusals and tokens: by the user as they are now, and not an earlier user of the
  // name (removed, then the name given anew).
  const name = recordUser(r);
  const u = name === undefined ? undefined : user(name);
  return (
    u !== undefined &&
    r.time >= u.createdAt - CLOCK_SLACK_MS &&
    tenantsWithin(u.tenants, principal.tenants)
  );
}

/**
 * The newest `q.limit` records `read` gives that `visible` keeps, reading page after page
 * (each ending where the one before did), so that records an admin may not see — a flood of
 * failed logins under made-up names, say — cannot push theirs out of the answer.
 */
export async function visibleRecords(
  read: (q: AuditQuery) => Promise<AuditRecord[]>,
  q: AuditQuery,
  visible: (r: AuditRecord) => boolean,
): Promise<AuditRecord[]> {
  const kept = new Map<string, AuditRecord>();
  let end = q.endMs;
  for (let page = 0; page < MAX_PAGES && kept.size < q.limit; page++) {
    const batch = await read({ ...q, endMs: end });
    for (const r of batch) if (visible(r)) kept.set(r.id, r);
    const oldest = batch.at(-1)?.time;
    if (batch.length < q.limit || oldest === undefined || oldest <= q.startMs) break;
    // Inclusive, so records of the same millisecond are not skipped (kept once by id).
    end = oldest < end ? oldest : end - 1;
  }
  return [...kept.values()].sort((a, b) => b.time - a.time).slice(0, q.limit);
}
