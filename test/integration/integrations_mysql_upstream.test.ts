/**
 * The upstream dashboards and alert rules users bring for MySQL (../shared/ecosystem:
 * mixins/mysql — dashboard, alerts, recording rules — and awesome-prometheus-
 * alerts' rules) against a fresh MariaDB collected by the MySQL collector: every metric name
 * they mention is written, or listed in docs/integrations.md's table of upstream names; the
 * rule files load as Outpost's and every expression evaluates over real collections (stored as
 * the aggregator stores them); MysqlDown fires once the collected server stops and `for: 1m`
 * has passed.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import { MysqlCollector } from "../../agent/sources/integrations/mysql/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { loadRuleFiles } from "../../aggregator/rules/load.ts";
import { GroupRun } from "../../aggregator/rules/unittest/group_run.ts";
import { MemoryStorage } from "../../aggregator/storage/memory.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { MONITOR, startMariadb, type TestMariadb } from "../harness/mariadb.ts";

const ECOSYSTEM = join(import.meta.dir, "../fixtures/ecosystem");
const SOURCES = [
  "mixins/mysql/dashboards",
  "mixins/mysql/alerts",
  "mixins/mysql/rules",
  "rules/mysql",
];
const STEP = 15_000;
const T0 = 1_800_000_000_000;

let db: TestMariadb;
beforeAll(async () => {
  db = await startMariadb();
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

const collector = () =>
  new MysqlCollector({
    address: db.address,
    user: MONITOR.user,
    password: async () => MONITOR.password,
  });

/** Metric names the upstream files mention (recording rules' `level:` prefixes stripped). */
async function mentioned(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const dir of SOURCES)
    for (const file of readdirSync(join(ECOSYSTEM, dir)).filter((f) => /\.(json|ya?ml)$/.test(f))) {
      const text = await Bun.file(join(ECOSYSTEM, dir, file)).text();
      for (const m of text.matchAll(/\bmysql_[a-z_]*[a-z]\b/g))
        if (!out.has(m[0])) out.set(m[0], `${dir}/${file}`);
    }
  return out;
}

/** Names in docs/integrations.md's table of upstream names an idle server does not show. */
async function documented(): Promise<Set<string>> {
  const doc = await Bun.file(join(import.meta.dir, "../../docs/integrations.md")).text();
  const section = doc.slice(doc.indexOf("### Upstream dashboards and rules"));
  return new Set([...section.matchAll(/^\| `(mysql_[a-z_]+)` \| (?:when|no) /gm)].map((m) => m[1]));
}

test("every MySQL series the upstream dashboard and rules query is produced or documented", async () => {
  const c = collector();
  const w = new RecordingWriter();
  try {
    await c.collect(w, 10_000);
  } finally {
    await c.close();
  }
  const ours = new Set(w.families.keys());
  const names = await mentioned();
  expect(names.size).toBeGreaterThan(50);
  const docs = await documented();
  const unexplained = [...names].filter(([n]) => !ours.has(n) && !docs.has(n));
  expect(unexplained).toEqual([]);
  // And the table lists nothing a collection does produce: it would hide a regression.
  expect([...docs].filter((n) => ours.has(n) && names.has(n))).toEqual([]);
});

/** A runner whose blocks land in `storage`, as the aggregator would store them. */
function runnerInto(storage: MemoryStorage, address: string): IntegrationRunner {
  const consumer = {
    consume(b: SampleBlock) {
      for (let i = 0; i < b.length; i++)
        storage.append(b.series[i].labels, [
          [b.timestamps[i], b.isStale(i) ? "stale" : b.values[i]],
        ]);
    },
  };
  const shared = { registry: new Registry(), consumer, interval: STEP, timeout: 5_000 };
  return new IntegrationRunner(
    { key: address, address, how: "config", pid: 0, collector: collector() },
    labelsFromRecord({ job: "mysql", instance: address }),
    shared,
  );
}

test("the MySQL rules load and evaluate over collected series; MysqlDown fires after the server stops", async () => {
  const groups = [];
  for (const [dir, glob] of [
    ["rules/mysql", "*.yml"],
    ["mixins/mysql/alerts", "*.yaml"],
    ["mixins/mysql/rules", "*.yaml"],
  ]) {
    const loaded = await loadRuleFiles([glob], join(ECOSYSTEM, dir));
    expect(loaded.problems).toEqual([]);
    groups.push(...loaded.groups);
  }
  const storage = new MemoryStorage();
  const runner = runnerInto(storage, db.address);
  const run = new GroupRun(groups, storage, new Engine(), { externalLabels: {}, externalURL: "" });
  let ts = T0;
  for (let i = 0; i < 4; i++, ts += STEP) {
    await runner.collectOnce(ts);
    await run.evaluate(ts);
  }
  const engine = new Engine();
  const failed: string[] = [];
  const rules = groups.flatMap((g) => g.rules);
  for (const r of rules)
    await engine
      .instantQuery(storage, r.expr, ts - STEP, { origin: "rule" })
      .catch((e: Error) => failed.push(`${r.name}: ${e.message}`));
  expect(failed).toEqual([]);
  expect(rules.length).toBeGreaterThan(20);
  expect(run.firing("MysqlDown")).toEqual([]);
  expect(run.firing("MySQLDown")).toEqual([]);
  await db.stop();
  for (let i = 0; i < 6; i++, ts += STEP) {
    await runner.collectOnce(ts);
    await run.evaluate(ts);
  }
  await runner.stop();
  const down = run.firing("MysqlDown");
  expect(down).toHaveLength(1);
  expect(down[0].labels).toEqual(
    labelsFromRecord({
      alertname: "MysqlDown",
      instance: db.address,
      job: "mysql",
      severity: "critical",
    }),
  );
}, 60_000);
