import { expect, test } from "bun:test";
import { labelsFromRecord, labelValue } from "../../shared/model/labels.ts";
import { TENANT_LABEL } from "../storage/federated.ts";
import { tenantsLogQueryable } from "./federated.ts";
import { MemoryLogs } from "./memory.ts";
import type { LogChunk, LogSelectParams } from "./source.ts";

// Two tenants with the same stream labels; small chunks so the merge crosses chunk edges.
const logs: Record<string, MemoryLogs> = { a: new MemoryLogs(2), b: new MemoryLogs(2) };
const stream = labelsFromRecord({ app: "api" });
const rec = (t: number, line: string) => ({ timeNs: BigInt(t), labels: stream, line, fields: [] });
logs.a!.append([rec(10, "a10"), rec(30, "a30"), rec(50, "a50")]);
logs.b!.append([rec(20, "b20"), rec(40, "b40"), rec(60, "b60")]);
const base: LogSelectParams = {
  matchers: [{ name: "app", type: "=", value: "api" }],
  startNs: 0n,
  endNs: 100n,
  direction: "forward",
  lineFilters: [],
  limitHint: 0,
};

async function read(tenants: string[], p: Partial<LogSelectParams> = {}) {
  const q = await tenantsLogQueryable(tenants, (t) => logs[t]!).querier();
  const out: string[] = [];
  for await (const c of q.select({ ...base, ...p }) as AsyncIterable<LogChunk>)
    for (let i = 0; i < c.length; i++)
      out.push(`${labelValue(c.streams[c.stream[i]!]!, TENANT_LABEL)}:${c.lines[i]}`);
  q.close();
  return out;
}

test("tenantsLogQueryable() reads one tenant's logs without a tenant label", async () => {
  expect(await read(["a"])).toEqual([":a10", ":a30", ":a50"]);
});

test("tenantsLogQueryable() merges several tenants in time order, each stream labelled", async () => {
  expect(await read(["a", "b"])).toEqual(["a:a10", "b:b20", "a:a30", "b:b40", "a:a50", "b:b60"]);
  expect(await read(["a", "b"], { direction: "backward" })).toEqual([
    "b:b60",
    "a:a50",
    "b:b40",
    "a:a30",
    "b:b20",
    "a:a10",
  ]);
});

test("tenantsLogQueryable() reads only the tenants a __tenant_id__ matcher selects", async () => {
  const matchers = [...base.matchers, { name: TENANT_LABEL, type: "=" as const, value: "b" }];
  expect(await read(["a", "b"], { matchers })).toEqual(["b:b20", "b:b40", "b:b60"]);
  const q = await tenantsLogQueryable(["a", "b"], (t) => logs[t]!).querier();
  const streams = await q.streams([], 0n, 100n);
  expect(streams.map((s) => labelValue(s, TENANT_LABEL)).sort()).toEqual(["a", "b"]);
  q.close();
});
