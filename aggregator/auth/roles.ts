/**
 * Roles, what each may do, and the principal a request acts as. Roles are ordered: each has
 * every permission of the ones below it. The principal carries its tenants so a request's
 * tenants (tenants.ts) narrow what it sees without changing who it is.
 */
import { ALL_TENANTS } from "./tenants.ts";

/** A user's or token's role, lowest first. */
export type Role = "viewer" | "editor" | "admin";

/** Every role, lowest first. */
export const ROLES: readonly Role[] = ["viewer", "editor", "admin"];

/** What a request needs: to read, to write (silences, alerts, dashboards), or to administer. */
export type Permission = "read" | "write" | "admin";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const NEEDS: Record<Permission, number> = { read: 0, write: 1, admin: 2 };

/** True when `role` grants `permission`. */
export function allows(role: Role, permission: Permission): boolean {
  return RANK[role] >= NEEDS[permission];
}

/** The lower of two roles: a token never has more than its owner. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** True for a role's name. */
export function isRole(name: unknown): name is Role {
  return typeof name === "string" && name in RANK;
}

/** How a principal authenticated. */
export type AuthMethod = "token" | "session" | "password" | "anonymous";

/** Who a request acts as. */
export interface Principal {
  readonly user: string;
  readonly role: Role;
  /** The tenants it may see (`*`: every tenant); a request acts for some of them (tenants.ts). */
  readonly tenants: readonly string[];
  readonly method: AuthMethod;
  /** The session's CSRF token, for requests authenticated by the session cookie. */
  readonly csrf?: string;
  /** The API token a request authenticated with (its public id and name), for the audit log. */
  readonly token?: { readonly id: string; readonly name: string };
}

/**
 * The principal of every request when authentication is off (a trusted loopback): an admin
 * of every tenant, acting for "default" unless `X-Scope-OrgID` names others.
 */
export const ANONYMOUS: Principal = {
  user: "anonymous",
  role: "admin",
  tenants: [ALL_TENANTS],
  method: "anonymous",
};
