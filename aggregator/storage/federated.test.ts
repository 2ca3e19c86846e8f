import { describe, expect, test } from "bun:test";
import { labelsFromRecord, labelValue } from "../../shared/model/labels.ts";
import { TENANT_LABEL, tenantsQueryable } from "./federated.ts";
import { MemoryStorage } from "./memory.ts";
import type { LabelMatcher, Queryable } from "./storage.ts";

// Two tenants with the same metric and label names, and different values.
const stores: Record<string, MemoryStorage> = { a: new MemoryStorage(), b: new MemoryStorage() };
stores.a!.append(labelsFromRecord({ __name__: "up", job: "api" }), [[1000, 1]]);
stores.b!.append(labelsFromRecord({ __name__: "up", job: "web" }), [[1000, 0]]);
stores.b!.append(labelsFromRecord({ __name__: "up", job: "db" }), [[1000, 1]]);
const byTenant = (t: string): Queryable => stores[t] ?? new MemoryStorage();
const range = { start: 0, end: 2000 };
const m = (name: string, type: LabelMatcher["type"], value: string): LabelMatcher => ({
  name,
  type,
  value,
});

async function select(tenants: string[], matchers: LabelMatcher[]) {
  const q = await tenantsQueryable(tenants, byTenant).querier();
  try {
    return (await q.select(matchers, range)).map((s) => ({
      tenant: labelValue(s.labels, TENANT_LABEL),
      job: labelValue(s.labels, "job"),
      value: s.values[0],
    }));
  } finally {
    q.close();
  }
}

describe("tenantsQueryable()", () => {
  test("reads one tenant's store as it is, without a tenant label", async () => {
    expect(await select(["a"], [m("__name__", "=", "up")])).toEqual([
      { tenant: "", job: "api", value: 1 },
    ]);
  });

  test("labels every series of several tenants with __tenant_id__, sorted", async () => {
    const got = await select(["a", "b"], [m("__name__", "=", "up")]);
    expect(got.map((s) => `${s.tenant}/${s.job}`)).toEqual(["a/api", "b/db", "b/web"]);
  });

  test("reads only the tenants a __tenant_id__ matcher selects", async () => {
    const got = await select(["a", "b"], [m("__name__", "=", "up"), m(TENANT_LABEL, "!=", "b")]);
    expect(got.map((s) => s.tenant)).toEqual(["a"]);
  });

  test("lists __tenant_id__ among label names and its values by tenant", async () => {
    const q = await tenantsQueryable(["a", "b"], byTenant).querier();
    expect(await q.labelNames([], range)).toEqual(["__name__", TENANT_LABEL, "job"]);
    expect(await q.labelValues(TENANT_LABEL, [m("job", "=", "web")], range)).toEqual(["b"]);
    expect(await q.labelValues("job", [], range)).toEqual(["api", "db", "web"]);
    q.close();
  });
});
