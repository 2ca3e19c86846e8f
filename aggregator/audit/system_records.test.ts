import { expect, test } from "bun:test";
import type { UserRecord } from "../auth/records.ts";
import type { Principal } from "../auth/roles.ts";
import type { AuditQuery } from "./query.ts";
import type { AuditRecord } from "./record.ts";
import { systemRecordVisible, visibleRecords } from "./system_records.ts";

const user = (name: string, tenants: string[], createdAt = 1_000): UserRecord => ({
  name,
  role: "viewer",
  passwordHash: "",
  createdAt,
  tenants,
});
const users = new Map([
  ["ann", user("ann", ["a"])],
  ["bob", user("bob", ["b"])],
  ["dave", user("dave", ["a"], 500_000)], // a new dave: an earlier one was of tenant c
]);
const adminOf = (tenants: string[]): Principal => ({
  user: "x",
  role: "admin",
  tenants,
  method: "token",
});
let n = 0;
const record = (action: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  id: `r${++n}`,
  time: 10_000,
  actor: { kind: "user", name: "someone" },
  source: "127.0.0.1",
  action,
  outcome: "ok",
  ...over,
});

test("an admin of some tenants sees the records about the users they manage, and no others", () => {
  const seen = (r: AuditRecord, tenants = ["a"]) =>
    systemRecordVisible(r, adminOf(tenants), (name) => users.get(name));
  expect(seen(record("user.create", { target: "ann" }))).toBe(true);
  expect(seen(record("user.create", { target: "bob" }))).toBe(false);
  expect(seen(record("login", { target: "nobody", outcome: "failed" }))).toBe(false);
  expect(seen(record("token.create", { target: "t1", changes: { owner: "ann" } }))).toBe(true);
  expect(seen(record("token.create", { target: "t2", changes: { owner: "bob" } }))).toBe(false);
  expect(seen(record("token.revoke", { target: "t3" }))).toBe(false); // no owner named
  const refused = { kind: "token" as const, name: "ann-token", user: "ann" };
  expect(seen(record("request", { actor: refused, outcome: "denied" }))).toBe(true);
  expect(seen(record("limits.reload"))).toBe(false);
  // The earlier dave's records are not the new dave's admin's to read.
  expect(seen(record("token.create", { time: 20_000, changes: { owner: "dave" } }))).toBe(false);
  expect(seen(record("token.create", { time: 600_000, changes: { owner: "dave" } }))).toBe(true);
  // A user's changes carry their tenants: readable by their admins after the user is gone.
  expect(seen(record("user.delete", { target: "gone", changes: { tenants: "a" } }))).toBe(true);
  expect(seen(record("user.delete", { target: "gone", changes: { tenants: "a|c" } }))).toBe(false);
  const moved = { tenants: { from: "a", to: "a|b" } };
  expect(seen(record("user.tenants", { target: "ann", changes: moved }))).toBe(false);
  expect(seen(record("user.tenants", { target: "ann", changes: moved }), ["a", "b"])).toBe(true);
  // An admin of every tenant sees them all.
  expect(seen(record("login", { target: "nobody" }), ["*"])).toBe(true);
  expect(seen(record("limits.reload"), ["*"])).toBe(true);
});

test("visibleRecords() reads on past a flood of records the admin may not see", async () => {
  // 250 failed logins under made-up names, newer than the one record the admin may see.
  const all: AuditRecord[] = [
    ...Array.from({ length: 250 }, (_, i) =>
      record("login", { time: 100_000 - i, target: `made-up-${i}`, outcome: "failed" }),
    ),
    record("user.create", { time: 1_000, target: "ann" }),
  ];
  const read = async (q: AuditQuery) =>
    all.filter((r) => r.time >= q.startMs && r.time <= q.endMs).slice(0, q.limit);
  const q = { startMs: 0, endMs: 200_000, limit: 100 };
  const seen = await visibleRecords(read, q, (r) => r.target === "ann");
  expect(seen.map((r) => r.target)).toEqual(["ann"]);
  // Every record at once (the limit past them all): each once, newest first.
  const every = await visibleRecords(read, { ...q, limit: 1000 }, () => true);
  expect(every).toHaveLength(251);
});
