/**
 * The upstream alert rules for PostgreSQL and Redis (awesome-prometheus-alerts, in
 * ../shared/ecosystem/rules) load as Outpost's rule files and evaluate over the series the
 * integrations write: every expression runs without error on real collections, and RedisDown
 * fires once the collected Redis stops (its runner writes `redis_up 0`) and `for: 1m` passes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { PostgresCollector } from "../../agent/sources/integrations/postgres/collector.ts";
import { RedisCollector } from "../../agent/sources/integrations/redis/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { loadRuleFiles } from "../../aggregator/rules/load.ts";
import { GroupRun } from "../../aggregator/rules/unittest/group_run.ts";
import { MemoryStorage } from "../../aggregator/storage/memory.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord, labelValue } from "../../shared/model/labels.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

const RULES = join(import.meta.dir, "../fixtures/ecosystem/rules");
const STEP = 15_000;
const T0 = 1_800_000_000_000;

let pg: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

/** A runner whose blocks land in `storage`, as the aggregator would store them. */
function runnerInto(storage: MemoryStorage, collector: IntegrationCollector, address: string) {
  const consumer = {
    consume(b: SampleBlock) {
      for (let i = 0; i < b.length; i++)
        storage.append(b.series[i].labels, [
          [b.timestamps[i], b.isStale(i) ? "stale" : b.values[i]],
        ]);
    },
  };
  const shared = { registry: new Registry(), consumer, interval: STEP, timeout: 5_000 };
  const labels = labelsFromRecord({ job: collector.kind, instance: address });
  return new IntegrationRunner(
    { key: address, address, how: "config", pid: 0, collector },
    labels,
    shared,
  );
}

async function rulesOf(dir: string) {
  const loaded = await loadRuleFiles(["*.yml"], join(RULES, dir));
  expect(loaded.problems).toEqual([]);
  return loaded.groups;
}

/** Every rule's expression evaluates without error at `ts`. */
async function allEvaluate(
  storage: MemoryStorage,
  groups: Awaited<ReturnType<typeof rulesOf>>,
  ts: number,
) {
  const engine = new Engine();
  const failed: string[] = [];
  for (const g of groups)
    for (const r of g.rules)
      await engine
        .instantQuery(storage, r.expr, ts, { origin: "rule" })
        .catch((e: Error) => failed.push(`${r.name}: ${e.message}`));
  expect(failed).toEqual([]);
  return groups.flatMap((g) => g.rules).length;
}

test("the PostgreSQL rules load and evaluate over collected series; none fires at rest", async () => {
  const storage = new MemoryStorage();
  const runner = runnerInto(
    storage,
    new PostgresCollector({
      host: "127.0.0.1",
      port: pg.port,
      user: "postgres",
      database: "postgres",
    }),
    `127.0.0.1:${pg.port}`,
  );
  const groups = await rulesOf("postgresql");
  const run = new GroupRun(groups, storage, new Engine(), { externalLabels: {}, externalURL: "" });
  for (let i = 0; i < 6; i++) {
    await runner.collectOnce(T0 + i * STEP);
    await run.evaluate(T0 + i * STEP);
  }
  await runner.stop();
  expect(await allEvaluate(storage, groups, T0 + 5 * STEP)).toBeGreaterThan(15);
  expect(run.firing("PostgresqlDown")).toEqual([]);
}, 60_000);

test("the Redis rules load and evaluate; RedisDown fires after the collected Redis stops", async () => {
  const storage = new MemoryStorage();
  const runner = runnerInto(storage, new RedisCollector({ address: redis.address }), redis.address);
  const groups = await rulesOf("redis");
  const run = new GroupRun(groups, storage, new Engine(), { externalLabels: {}, externalURL: "" });
  let ts = T0;
  for (let i = 0; i < 4; i++, ts += STEP) {
    await runner.collectOnce(ts);
    await run.evaluate(ts);
  }
  expect(await allEvaluate(storage, groups, ts - STEP)).toBeGreaterThan(10);
  expect(run.firing("RedisDown")).toEqual([]);
  await redis.stop();
  for (let i = 0; i < 6; i++, ts += STEP) {
    await runner.collectOnce(ts);
    await run.evaluate(ts);
  }
  await runner.stop();
  const down = run.firing("RedisDown");
  expect(down).toHaveLength(1);
  expect(down[0].labels).toEqual(
    labelsFromRecord({
      alertname: "RedisDown",
      instance: redis.address,
      job: "redis",
      severity: "critical",
    }),
  );
}, 60_000);

test("Outpost's Redis pack: a Redis that refuses the agent's login is not down, a stopped one is", async () => {
  const guarded = await startRedis({ password: "not-the-agents" });
  const open = await startRedis();
  const storage = new MemoryStorage();
  const runners = [
    runnerInto(storage, new RedisCollector({ address: guarded.address }), guarded.address),
    runnerInto(storage, new RedisCollector({ address: open.address }), open.address),
  ];
  const packs = join(import.meta.dir, "../../aggregator");
  const loaded = await loadRuleFiles(
    ["packs/redis/rules.yml", "rules/pack/outpost-default.rules.yml"],
    packs,
  );
  expect(loaded.problems).toEqual([]);
  const run = new GroupRun(loaded.groups, storage, new Engine(), {
    externalLabels: {},
    externalURL: "",
  });
  let ts = T0;
  const round = async () => {
    for (const r of runners) await r.collectOnce(ts);
    await run.evaluate(ts);
    ts += STEP;
  };
  try {
    for (let i = 0; i < 2; i++) await round();
    await open.stop();
    // 6 minutes: past RedisDown's `for: 1m` and OutpostIntegrationRefused's 5m.
    for (let i = 0; i < 25; i++) await round();
  } finally {
    for (const r of runners) await r.stop();
    await guarded.stop();
  }
  const instances = (name: string) => run.firing(name).map((a) => labelValue(a.labels, "instance"));
  expect(instances("RedisDown")).toEqual([open.address]);
  expect(instances("OutpostIntegrationRefused")).toEqual([guarded.address]);
}, 60_000);
