/**
 * SLOs run as rules: an aggregator with `slo_files` and `slo_probes` evaluates the groups they
 * generate beside its rule files, lists them in /api/v1/rules, and keeps a spec's groups running
 * when a reload finds the spec broken.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const SPEC = join(import.meta.dir, "../../aggregator/slo/testdata/sloth/getting-started.yml");

let nats: NatsServerHandle;
let aggregator: Aggregator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-rules-slo-"));
  copyFileSync(SPEC, join(dir, "slo.yml"));
  nats = await startNatsServer();
  const extra = `global: { evaluation_interval: 1s }\nslo_files: [slo.yml]\nslo_probes:\n  - { probe: "https://example.com", objective: 99.9 }\n`;
  aggregator = await startInProcessAggregator(dir, nats.url, extra);
}, 30_000);

afterAll(async () => {
  await aggregator?.stop();
  await nats?.dispose();
});

/** The part of /api/v1/rules this test reads. */
interface RulesBody {
  data: { groups: { name: string; file: string; rules: { health: string }[] }[] };
}

async function groups(): Promise<{ name: string; file: string; health: string[] }[]> {
  const body = (await (await fetch(`${aggregator.url}/api/v1/rules`)).json()) as RulesBody;
  return body.data.groups.map((g) => ({
    name: g.name,
    file: g.file,
    health: [...new Set(g.rules.map((r) => r.health))],
  }));
}

test("the groups of slo_files and slo_probes are evaluated and listed beside rule files", async () => {
  let listed = await groups();
  for (let i = 0; i < 40 && listed.some((g) => !g.health.includes("ok")); i++) {
    await Bun.sleep(250);
    listed = await groups();
  }
  const names = listed.map((g) => g.name);
  expect(names.some((n) => n.startsWith("sloth-slo-sli-recordings-"))).toBe(true);
  expect(names.some((n) => n.startsWith("sloth-slo-alerts-"))).toBe(true);
  expect(listed.some((g) => g.file === "slo_probes[0]")).toBe(true);
  for (const g of listed) expect(g.health).toEqual(["ok"]);
});

test("a reload that finds the spec broken keeps its groups running and answers 500", async () => {
  const before = (await groups()).map((g) => g.name).sort();
  writeFileSync(join(dir, "slo.yml"), "version: prometheus/v1\nservice: x\nslos: nope\n");
  const reload = await fetch(`${aggregator.url}/-/reload`, { method: "POST" });
  expect(reload.status).toBe(500);
  expect((await groups()).map((g) => g.name).sort()).toEqual(before);
});
