/**
 * Audit records of users and tokens, made both by the API that changes them (with its actor)
 * and by the observer of the auth buckets' watch (observer.ts), which sees every change
 * whatever made it (`outpost user/token` write NATS KV directly) but not who. Both derive the
 * record's id from the change itself, so the two are one record: the API's, published first.
 */
import type { TokenRecord, UserRecord } from "../auth/records.ts";
import { type AuditInput, changeId, sha256 } from "./record.ts";

/** An audited change of a user or token, before its actor, source and outcome. */
export type AuthChange = Pick<AuditInput, "id" | "action" | "target" | "changes">;

/** A token made (its secret is kept nowhere, and so is not here). */
export function tokenCreated(t: TokenRecord): AuthChange {
  return {
    id: changeId("token.create", [t.id]),
    action: "token.create",
    target: t.id,
    changes: {
      name: t.name,
      owner: t.owner,
      role: t.role,
      expiresAt: t.expiresAt,
      tenants: t.tenants.join("|"),
    },
  };
}

/** A token revoked (or removed with its owner). */
export function tokenRevoked(t: TokenRecord): AuthChange {
  return {
    id: changeId("token.revoke", [t.id]),
    action: "token.revoke",
    target: t.id,
    changes: { name: t.name, owner: t.owner },
  };
}

/** A user added. */
export function userCreated(u: UserRecord): AuthChange {
  return {
    id: changeId("user.create", [u.name, u.createdAt]),
    action: "user.create",
    target: u.name,
    changes: { role: u.role, tenants: u.tenants.join("|") },
  };
}

/** A user removed. */
export function userDeleted(u: UserRecord): AuthChange {
  return {
    id: changeId("user.delete", [u.name, u.createdAt]),
    action: "user.delete",
    target: u.name,
    changes: { tenants: u.tenants.join("|") },
  };
}

/** A user's role changed. */
export function userRoleChanged(before: UserRecord, after: UserRecord): AuthChange {
  return {
    id: changeId("user.role", [
      after.name,
      after.createdAt,
      after.role,
      sha256(after.passwordHash),
    ]),
    action: "user.role",
    target: after.name,
    changes: { role: { from: before.role, to: after.role }, tenants: after.tenants.join("|") },
  };
}

/** A user's tenants changed. */
export function userTenantsChanged(before: UserRecord, after: UserRecord): AuthChange {
  const to = after.tenants.join("|");
  return {
    id: changeId("user.tenants", [after.name, after.createdAt, to, sha256(after.passwordHash)]),
    action: "user.tenants",
    target: after.name,
    changes: { tenants: { from: before.tenants.join("|"), to } },
  };
}

/** A user's password set (the hash is salted: each setting has an id of its own). */
export function userPasswordSet(after: UserRecord): AuthChange {
  return {
    id: changeId("user.password", [after.name, sha256(after.passwordHash)]),
    action: "user.password",
    target: after.name,
    changes: { password: "changed", tenants: after.tenants.join("|") },
  };
}

/** The changes one put or delete of a user makes (none for a value written again). */
export function userChanges(before?: UserRecord, after?: UserRecord): AuthChange[] {
  if (after === undefined) return before ? [userDeleted(before)] : [];
  if (before === undefined) return [userCreated(after)];
  const out: AuthChange[] = [];
  if (before.role !== after.role) out.push(userRoleChanged(before, after));
  if (before.passwordHash !== after.passwordHash) out.push(userPasswordSet(after));
  if (before.tenants.join("|") !== after.tenants.join("|"))
    out.push(userTenantsChanged(before, after));
  return out;
}

/** The changes one put or delete of a token makes (a new last-used time is none). */
export function tokenChanges(before?: TokenRecord, after?: TokenRecord): AuthChange[] {
  if (after === undefined) return before ? [tokenRevoked(before)] : [];
  if (before === undefined) return [tokenCreated(after)];
  const { lastUsedAt: _a, ...was } = before;
  const { lastUsedAt: _b, ...now } = after;
  if (JSON.stringify(was) === JSON.stringify(now)) return [];
  return [
    {
      id: changeId("token.update", [after.id, after.role, after.expiresAt, after.name]),
      action: "token.update",
      target: after.id,
      changes: { name: after.name, role: after.role, expiresAt: after.expiresAt },
    },
  ];
}

/** The changes between two listings of users and tokens (what a CLI command did). */
export function listingChanges(
  before: { users: readonly UserRecord[]; tokens: readonly TokenRecord[] },
  after: { users: readonly UserRecord[]; tokens: readonly TokenRecord[] },
): AuthChange[] {
  const diff = <T>(
    was: readonly T[],
    now: readonly T[],
    key: (t: T) => string,
    changes: (b?: T, a?: T) => AuthChange[],
  ): AuthChange[] => {
    const old = new Map(was.map((t) => [key(t), t]));
    const out: AuthChange[] = [];
    for (const t of now) {
      out.push(...changes(old.get(key(t)), t));
      old.delete(key(t));
    }
    for (const t of old.values()) out.push(...changes(t, undefined));
    return out;
  };
  return [
    ...diff(before.users, after.users, (u) => u.name, userChanges),
    ...diff(before.tokens, after.tokens, (t) => t.id, tokenChanges),
  ];
}
