/**
 * The upstream alert rules users bring for RabbitMQ and NATS (awesome-prometheus-alerts'
 * rules in test/fixtures/ecosystem/rules) load, and query series the collectors produce:
 * every metric name they mention is written by collecting a fresh instance (RabbitMQ through
 * its plugin, NATS with JetStream on), or listed in docs/integrations-mq.md's table of upstream
 * names with the reason. RabbitMQ is skipped, saying why, when its node does not start in time.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { NatsCollector } from "../../agent/sources/integrations/nats/collector.ts";
import { RabbitmqCollector } from "../../agent/sources/integrations/rabbitmq/collector.ts";
import { readRuleFile } from "../../aggregator/rules/file.ts";
import {
  startNats,
  startRabbitmq,
  type TestNats,
  type TestRabbitmq,
} from "../harness/mq_services.ts";

setDefaultTimeout(120_000);

const RULES = join(import.meta.dir, "../fixtures/ecosystem/rules");
const PREFIX = { rabbitmq: "(?:rabbitmq|erlang)", nats: "(?:gnatsd|jetstream)" } as const;

let nats: TestNats;
let rabbit: TestRabbitmq | string;
beforeAll(async () => {
  [nats, rabbit] = await Promise.all([startNats(), startRabbitmq(90_000)]);
  if (typeof rabbit === "string") console.warn(`Skipping the RabbitMQ upstream rules: ${rabbit}`);
});
afterAll(async () => {
  await Promise.all([nats?.stop(), typeof rabbit === "string" ? undefined : rabbit?.stop()]);
}, 60_000);

/** The upstream rule files of `kind`, each with the metric names it mentions. */
async function mentioned(kind: keyof typeof PREFIX): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of readdirSync(join(RULES, kind)).filter((f) => f.endsWith(".yml"))) {
    // Label names in grouping clauses (`by (rabbitmq_version)`) are not metrics.
    const text = (await Bun.file(join(RULES, kind, file)).text()).replace(/\bby\s*\([^)]*\)/gi, "");
    for (const m of text.matchAll(new RegExp(`\\b${PREFIX[kind]}_[a-z_]*[a-z]\\b`, "g")))
      if (!out.has(m[0])) out.set(m[0], `${kind}/${file}`);
  }
  return out;
}

async function produced(c: IntegrationCollector): Promise<Set<string>> {
  const w = new RecordingWriter();
  await c.collect(w, 10_000);
  await c.collect(w, 10_000);
  await c.close();
  return new Set(w.families.keys());
}

/** Names docs/integrations-mq.md's table of upstream names lists, with why a node lacks them. */
async function documented(): Promise<Set<string>> {
  const doc = await Bun.file(join(import.meta.dir, "../../docs/integrations-mq.md")).text();
  const section = doc.slice(doc.indexOf("### Upstream rules"));
  return new Set([...section.matchAll(/^\| `([a-z_]+)` \| (?:when|no) /gm)].map((m) => m[1]));
}

test.each(["rabbitmq", "nats"] as const)("the upstream %s rules load", async (kind) => {
  for (const file of readdirSync(join(RULES, kind)).filter((f) => f.endsWith(".yml"))) {
    const r = await readRuleFile(join(RULES, kind, file));
    expect({ file, problems: r.problems }).toEqual({ file, problems: [] });
  }
});

test.each(["rabbitmq", "nats"] as const)(
  "every series the upstream %s rules query is produced or documented",
  async (kind) => {
    if (kind === "rabbitmq" && typeof rabbit === "string") return;
    const collector =
      kind === "nats"
        ? new NatsCollector({ monitorUrl: nats.monitorUrl as string })
        : new RabbitmqCollector({
            prometheusUrl: (rabbit as TestRabbitmq).prometheusUrl,
            user: "guest",
          });
    const ours = await produced(collector);
    const names = await mentioned(kind);
    expect(names.size).toBeGreaterThan(5);
    const docs = await documented();
    expect([...names.keys()].filter((n) => !ours.has(n) && !docs.has(n))).toEqual([]);
    expect([...docs].filter((n) => ours.has(n) && names.has(n))).toEqual([]);
  },
);
