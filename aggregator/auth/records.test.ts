import { expect, test } from "bun:test";
import { decodeToken, decodeUser } from "./records.ts";

const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const user = { name: "alice", role: "viewer", passwordHash: "$argon2id$x", createdAt: 1 };
const token = { id: "t", name: "n", owner: "alice", role: "viewer", createdAt: 1 };
const times = { expiresAt: 0, lastUsedAt: 0 };

test("decodeUser() reads a record written before tenants as tenant default", () => {
  expect(decodeUser(bytes(user)).tenants).toEqual(["default"]);
  expect(decodeToken(bytes({ ...token, ...times })).tenants).toEqual(["default"]);
});

test("decodeUser() keeps the tenants of a record and refuses a malformed list", () => {
  expect(decodeUser(bytes({ ...user, tenants: ["a", "*"] })).tenants).toEqual(["a", "*"]);
  expect(() => decodeUser(bytes({ ...user, tenants: [] }))).toThrow("tenants is not a list");
  expect(() => decodeToken(bytes({ ...token, ...times, tenants: "a" }))).toThrow("tenants");
});
