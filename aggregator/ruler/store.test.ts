import { describe, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { heldWrites } from "../ingest/kv_held.ts";
import { MemoryKeyValueStore } from "../ingest/kv_memory.ts";
import { groupKey, RulerStore } from "./store.ts";

const group = (namespace: string, name: string, expr = "up") => ({
  namespace,
  name,
  text: `name: ${name}\nrules:\n  - record: r_${name}\n    expr: ${expr}\n`,
  updatedMs: 1,
});

/** Two stores on one bucket, as two aggregators; each records the tenants it was told of. */
async function pair() {
  const kv = new MemoryKeyValueStore();
  const told: string[][] = [[], []];
  const stores = [0, 1].map((i) => new RulerStore(kv, (t) => told[i]!.push(t), new Registry()));
  for (const s of stores) await s.start();
  return { kv, stores: stores as [RulerStore, RulerStore], told };
}

describe("RulerStore", () => {
  test("shows a group put on one aggregator to the other, as a file per namespace", async () => {
    const { stores } = await pair();
    await stores[0].put("team-a", group("ns1", "b"));
    await stores[0].put("team-a", group("ns1", "a"));
    await stores[0].put("team-a", group("ns2", "c"));
    const files = stores[1].files("team-a");
    expect(files.map((f) => [f.file, f.groups.map((g) => `${g.file}/${g.name}`)])).toEqual([
      ["ns1", ["ns1/a", "ns1/b"]],
      ["ns2", ["ns2/c"]],
    ]);
    expect(stores[1].files("team-b")).toEqual([]);
    expect(stores[1].tenantsWithGroups()).toEqual(["team-a"]);
  });

  test("tells each aggregator once per burst of a tenant's changes, after the first load", async () => {
    const { stores, told } = await pair();
    await stores[0].put("team-a", group("ns", "x"));
    await stores[0].put("team-a", group("ns", "y"));
    await stores[0].put("team-b", group("ns", "x"));
    await Bun.sleep(250);
    expect(told.map((t) => t.sort())).toEqual([
      ["team-a", "team-b"],
      ["team-a", "team-b"],
    ]);
  });

  test("deletes a namespace's groups everywhere, and reports when there were none", async () => {
    const { stores } = await pair();
    await stores[0].put("t", group("ns", "x"));
    await stores[0].put("t", group("ns", "y"));
    expect(await stores[1].delete("t", stores[1].namespaces("t").get("ns") ?? [])).toBe(true);
    expect(stores[0].count("t")).toBe(0);
    expect(await stores[0].delete("t", [])).toBe(false);
  });

  test("keeps names with any characters apart in keys", () => {
    expect(groupKey("t", "a.b", "c")).not.toBe(groupKey("t", "a", "b.c"));
    expect(groupKey("t", "ns/x", "g")).toMatch(/^t\.[-_=A-Za-z0-9]+\.[-_=A-Za-z0-9]+$/);
  });

  test("counts and ignores a value that is not a group", async () => {
    const kv = new MemoryKeyValueStore();
    const registry = new Registry();
    const store = new RulerStore(kv, () => {}, registry);
    await store.start();
    await kv.put(groupKey("t", "ns", "g"), new TextEncoder().encode("not json"));
    const oddTenant = { ...group("ns", "g"), text: "name: g\n" };
    await kv.put(groupKey("a=b", "ns", "g"), new TextEncoder().encode(JSON.stringify(oddTenant)));
    await kv.put(
      groupKey("t", "ns", "other"),
      new TextEncoder().encode(JSON.stringify(group("ns", "g"))),
    );
    expect(store.count("t")).toBe(0);
    expect(registry.render()).toContain("outpost_ruler_undecodable_total 3");
    expect(store.tenantsWithGroups()).toEqual([]);
  });

  test("drops a group overwritten with a value that cannot be read, and reloads its tenant", async () => {
    const { kv, stores, told } = await pair();
    await stores[0].put("t", group("ns", "g"));
    await Bun.sleep(50);
    told[1]!.length = 0;
    await kv.put(groupKey("t", "ns", "g"), new TextEncoder().encode("{"));
    expect(stores[1].files("t")).toEqual([]);
    await Bun.sleep(50);
    expect(told[1]).toEqual(["t"]);
  });

  test("carries a stored group's problems into its file, so the evaluator keeps the old one", async () => {
    const { kv, stores } = await pair();
    const bad = { ...group("ns", "g"), text: "name: g\nrules:\n  - record: r\n    expr: up ==\n" };
    await kv.put(groupKey("t", "ns", "g"), new TextEncoder().encode(JSON.stringify(bad)));
    const [file] = stores[0].files("t");
    expect(file?.groups).toEqual([]);
    expect(file?.problems.map((p) => [p.file, p.line])).toEqual([["ns", 4]]);
  });

  test("a group deleted elsewhere before this aggregator's put was acknowledged stays deleted", async () => {
    const kv = new MemoryKeyValueStore();
    const slow = heldWrites(kv);
    const a = new RulerStore(slow.kv, () => {}, new Registry());
    const b = new RulerStore(kv, () => {}, new Registry());
    await Promise.all([a.start(), b.start()]);
    const release = slow.hold({ answers: true });
    const putting = a.put("team-a", group("ns", "x")); // lands; its answer is held
    await Bun.sleep(0);
    expect(b.group("team-a", "ns", "x")).toBeDefined();
    await b.delete("team-a", [group("ns", "x")]);
    await release();
    await putting;
    for (const store of [a, b]) expect(store.files("team-a")).toEqual([]);
  });
});
