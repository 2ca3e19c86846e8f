import { describe, expect, test } from "bun:test";
import type { TokenRecord, UserRecord } from "../auth/records.ts";
import { listingChanges, tokenChanges, userChanges } from "./auth_changes.ts";

const user: UserRecord = {
  name: "alice",
  role: "viewer",
  passwordHash: "$argon2id$a",
  createdAt: 1,
  tenants: ["default"],
};
const token: TokenRecord = {
  id: "t1",
  name: "ci",
  owner: "alice",
  role: "viewer",
  createdAt: 1,
  expiresAt: 0,
  lastUsedAt: 0,
  tenants: ["default"],
};
const actions = (cs: { action: string }[]) => cs.map((c) => c.action);

describe("auth changes", () => {
  test("a token's new last-used time is no change; a put of the same user is none", () => {
    expect(tokenChanges(token, { ...token, lastUsedAt: 99 })).toEqual([]);
    expect(userChanges(user, { ...user })).toEqual([]);
    expect(userChanges(undefined, undefined)).toEqual([]);
  });

  test("names creations, deletions, role and password changes, never the hash", () => {
    expect(actions(userChanges(undefined, user))).toEqual(["user.create"]);
    expect(actions(userChanges(user, undefined))).toEqual(["user.delete"]);
    const both = userChanges(user, { ...user, role: "admin", passwordHash: "$argon2id$b" });
    expect(actions(both)).toEqual(["user.role", "user.password"]);
    expect(JSON.stringify(both)).not.toContain("argon2");
    expect(actions(tokenChanges(undefined, token))).toEqual(["token.create"]);
    expect(actions(tokenChanges(token, undefined))).toEqual(["token.revoke"]);
  });

  test("the same change has the same id whoever records it; a new password a new one", () => {
    expect(userChanges(undefined, user)[0]!.id).toBe(userChanges(undefined, { ...user })[0]!.id);
    const a = userChanges(user, { ...user, passwordHash: "$argon2id$b" })[0]!.id;
    const b = userChanges(user, { ...user, passwordHash: "$argon2id$c" })[0]!.id;
    expect(a).not.toBe(b);
  });

  test("listingChanges() finds what a command changed between two listings", () => {
    const before = { users: [user], tokens: [token] };
    const after = { users: [user, { ...user, name: "bob" }], tokens: [] };
    expect(listingChanges(before, after).map((c) => `${c.action} ${c.target}`)).toEqual([
      "user.create bob",
      "token.revoke t1",
    ]);
  });
});
