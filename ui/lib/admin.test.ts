import { expect, test } from "bun:test";
import { parseTenants, tenantsIn } from "./admin.ts";

test("parseTenants() trims names and drops empty items", () => {
  expect(parseTenants(" a, b ,,c ")).toEqual(["a", "b", "c"]);
  expect(parseTenants("")).toEqual([]);
});

test("tenantsIn() lists every tenant with its holders, default always, * last", () => {
  const got = tenantsIn(
    [
      { name: "root", tenants: ["*"] },
      { name: "ann", tenants: ["team-b", "default"] },
    ],
    [{ name: "grafana", tenants: ["team-b"] }],
  );
  expect(got).toEqual([
    { tenant: "default", users: ["ann"], tokens: [] },
    { tenant: "team-b", users: ["ann"], tokens: ["grafana"] },
    { tenant: "*", users: ["root"], tokens: [] },
  ]);
});
