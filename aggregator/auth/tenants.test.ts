import { expect, test } from "bun:test";
import { resolveTenants, tenantsWithin } from "./tenants.ts";

// [what, principal's tenants, X-Scope-OrgID, trusted, tenants or refusal]
const CASES: [string, string[], string | undefined, boolean, string[] | string][] = [
  ["acts for the first tenant without a header", ["a", "b"], undefined, false, ["a"]],
  ["narrows to one granted tenant", ["a", "b"], "b", false, ["b"]],
  ["joins granted tenants, sorted", ["a", "b"], "b|a", false, ["a", "b"]],
  ["refuses a tenant outside the grant", ["a"], "b", false, "permission_denied"],
  ["refuses a join that widens", ["a"], "a|b", false, "permission_denied"],
  ["refuses a malformed name", ["a"], "a.b", false, "invalid_argument"],
  ["refuses an empty part", ["a"], "a|", false, "invalid_argument"],
  ["lets * pick any tenant", ["*"], "x|y", false, ["x", "y"]],
  ["acts for default under * without a header", ["*"], undefined, false, ["default"]],
  ["honours any header when trusted", ["default"], "b", true, ["b"]],
  ["refuses everything when none is granted", [], undefined, false, "permission_denied"],
];

test.each(CASES)("resolveTenants() %s", (_what, allowed, header, trusted, want) => {
  const r = resolveTenants(allowed, header, trusted);
  expect<unknown>("refused" in r ? r.refused : r.tenants).toEqual(want);
});

test("resolveTenants() says the same whether or not the tenant outside exists", () => {
  const a = resolveTenants(["a"], "b");
  const b = resolveTenants(["a"], "no-such-tenant");
  expect("refused" in a && "refused" in b && a.message === b.message).toBe(true);
});

test("tenantsWithin() keeps a token within its owner's tenants", () => {
  expect(tenantsWithin(["a"], ["a", "b"])).toBe(true);
  expect(tenantsWithin(["a", "c"], ["a", "b"])).toBe(false);
  expect(tenantsWithin(["*"], ["a"])).toBe(false);
  expect(tenantsWithin(["x"], ["*"])).toBe(true);
});
