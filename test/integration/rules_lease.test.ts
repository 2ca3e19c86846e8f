// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of two HTTP APIs, read loosely
/**
 * Two aggregators on one NATS with one rule group: one evaluates it (the lease), the other
 * takes it over within two intervals when the holder is killed -9, every evaluation's output
 * is in the stream once, and a pending alert keeps its `for` state (restored from
 * ALERTS_FOR_STATE) across the takeover.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  testAggregatorYaml,
} from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";
import { readStream } from "../harness/stream.ts";

const INTERVAL = 2_000;
const RULES = `groups:
- name: lease
  interval: 2s
  rules:
  - record: lease:one
    expr: vector(1)
  - alert: Waiting
    expr: vector(1) > 0
    for: 5m
`;

let nats: NatsServerHandle;
const aggs: AggregatorProcess[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-rules-lease-"));
  writeFileSync(join(dir, "rules.yml"), RULES);
  nats = await startNatsServer();
  for (const id of ["a", "b"]) {
    const yaml = testAggregatorYaml({
      id,
      natsUrl: nats.url,
      dataDir: join(dir, id),
      storage: { type: "dir", path: join(dir, "bucket") },
      httpPort: await freePort(),
      ackWait: "2s",
    });
    const path = join(dir, `${id}.yaml`);
    const text = `${yaml}rule_files: [rules.yml]\nrule_evaluation: { for_grace_period: 1s }\n`;
    writeFileSync(path, text);
    aggs.push(await startAggregatorProcess(path, parseAggregatorConfig(text, path)));
  }
}, 60_000);

afterAll(async () => {
  for (const a of aggs) if (a.proc.exitCode === null) await a.kill();
  await nats?.dispose();
});

async function holds(a: AggregatorProcess): Promise<boolean> {
  const text = await (await fetch(`${a.url}/metrics`)).text();
  return /outpost_rule_group_held\{[^}]*\} 1/.test(text);
}

async function pendingSince(a: AggregatorProcess): Promise<number | null> {
  const data = (await (await fetch(`${a.url}/api/v1/alerts`)).json()) as any;
  const alert = data.data.alerts.find((x: any) => x.labels.alertname === "Waiting");
  return alert ? Date.parse(alert.activeAt) : null;
}

test("the survivor takes the group over, stores each evaluation once and restores `for`", async () => {
  await Bun.sleep(4 * INTERVAL);
  const holder = (await holds(aggs[0])) ? aggs[0] : aggs[1];
  const survivor = holder === aggs[0] ? aggs[1] : aggs[0];
  expect(await holds(survivor)).toBe(false);
  const activeAt = await pendingSince(holder);
  expect(activeAt).not.toBeNull();
  await Bun.sleep(2 * INTERVAL); // ALERTS_FOR_STATE written and committed a few times
  await holder.kill();
  const killedAt = Date.now();
  let tookOver = 0;
  while (Date.now() - killedAt < 4 * INTERVAL) {
    if (await holds(survivor)) {
      tookOver = Date.now();
      break;
    }
    await Bun.sleep(200);
  }
  expect(tookOver).toBeGreaterThan(0);
  expect(tookOver - killedAt).toBeLessThanOrEqual(3 * INTERVAL + 500);
  await Bun.sleep(2 * INTERVAL);
  // Restored: the alert waited before the takeover, so its ActiveAt is before the survivor's
  // first evaluation (shifted by the outage, as Prometheus does), not at it.
  const restored = await pendingSince(survivor);
  expect(restored).not.toBeNull();
  expect(restored!).toBeLessThan(tookOver - INTERVAL);
  const batches = (await readStream(nats.url)).filter((b) => b.subject.endsWith(".metrics.rules"));
  const ids = batches.map((b) => b.msgId);
  expect(new Set(ids).size).toBe(ids.length);
  // Signed with the aggregators' shared key: no agent can publish an id of a coming tick first.
  for (const id of ids) expect(id).toMatch(/^rules-default-[0-9a-f]{32}$/);
  const times = batches.flatMap((b) =>
    b.samples.filter((s) => s.name === "lease:one" && !s.stale).map((s) => s.ts),
  );
  expect(new Set(times).size).toBe(times.length);
  expect(times.length).toBeGreaterThan(4);
}, 60_000);
