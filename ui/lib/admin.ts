/** The admin page's small logic: roles, tenant lists and audit filters as typed and shown. */
import { AuditOutcome } from "../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { Role } from "../../proto/gen/outpost/auth/v1/auth_pb.ts";

/** Roles a user or token can be given, as the select shows them. */
export const ROLES = [
  { value: String(Role.VIEWER), label: "viewer" },
  { value: String(Role.EDITOR), label: "editor" },
  { value: String(Role.ADMIN), label: "admin" },
];

/** A role's name (`viewer`, `editor`, `admin`). */
export function roleName(role: Role): string {
  return ROLES.find((r) => r.value === String(role))?.label ?? "none";
}

/** A comma-separated tenant list as typed (`a, b`) → the names; empty items dropped. */
export function parseTenants(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** The outcome of an audit record as a word and a colour. */
export function outcomeOf(o: AuditOutcome): { text: string; color: string } {
  if (o === AuditOutcome.OK) return { text: "ok", color: "green" };
  if (o === AuditOutcome.DENIED) return { text: "denied", color: "orange" };
  if (o === AuditOutcome.FAILED) return { text: "failed", color: "red" };
  return { text: "—", color: "gray.6" };
}

/** Every tenant named by the users and tokens, sorted, with who holds it (`*`: every tenant). */
export function tenantsIn(
  users: readonly { name: string; tenants: readonly string[] }[],
  tokens: readonly { name: string; tenants: readonly string[] }[],
): { tenant: string; users: string[]; tokens: string[] }[] {
  const out = new Map<string, { tenant: string; users: string[]; tokens: string[] }>();
  const at = (t: string) => {
    const e = out.get(t) ?? { tenant: t, users: [], tokens: [] };
    out.set(t, e);
    return e;
  };
  // "default" always exists: agents without a tenant and open paths use it.
  at("default");
  for (const u of users) for (const t of u.tenants) at(t).users.push(u.name);
  for (const k of tokens) for (const t of k.tenants) at(t).tokens.push(k.name);
  return [...out.values()].sort((a, b) =>
    a.tenant === "*" ? 1 : b.tenant === "*" ? -1 : a.tenant.localeCompare(b.tenant),
  );
}

/** The local time of an audit record, to the second. */
export function auditTime(ms: bigint): string {
  return new Date(Number(ms)).toLocaleString(undefined, { hour12: false });
}
