// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of the APIs, read loosely
/**
 * Two aggregator processes on one nats-server with the same rule file and alertmanager.yml:
 * one notification per alert group whichever aggregator evaluates the rule or receives the
 * alert, and a kill -9 of the aggregator holding the rule group's lease and the notifier's
 * during `group_wait` neither loses nor repeats the notification, nor the alert's `for` state.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import { NOTIFIER_LEASE_TTL } from "../../aggregator/notify/ha/runtime.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  testAggregatorYaml,
} from "../harness/aggregator.ts";
import { type Sink, startSink } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";

const GROUP_WAIT = 5_000;
/**
 * The kill test's: long enough that the kill lands inside it on a loaded machine, where the
 * survivor may see the alert seconds after the holder's group began waiting (CI, two shards on
 * two cores), and the kill comes COMMIT_WAIT after that.
 */
const KILL_GROUP_WAIT = 10_000;
/** Before the kill: time for ALERTS_FOR_STATE at the firing evaluation to be committed. */
const COMMIT_WAIT = 2_500;
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * A nats-server, a webhook sink, and the files two aggregators share; the rule fires after
 * `fireAt`; alerts are grouped for `groupWait`.
 */
async function cluster(fireAt: number, groupWait = GROUP_WAIT) {
  const dir = mkdtempSync(join(tmpdir(), "outpost-notify-ha-"));
  const nats: NatsServerHandle = await startNatsServer();
  const sink: Sink = startSink();
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => nats.dispose(),
    () => sink.stop(),
  );
  // Pending from `fireAt` on (the same file for both, so the same group and lease).
  const rules = `groups:
- name: ha
  interval: 1s
  rules:
  - alert: HaFiring
    expr: vector(time()) > ${Math.floor(fireAt / 1000)}
    for: 2s
`;
  writeFileSync(join(dir, "rules.yml"), rules);
  writeFileSync(
    join(dir, "am.yml"),
    `route: {receiver: hook, group_by: [alertname], group_wait: ${groupWait / 1000}s, group_interval: 1m, repeat_interval: 1h}
receivers: [{name: hook, webhook_configs: [{url: "${sink.url}/hook"}]}]
`,
  );
  const start = async (id: string): Promise<AggregatorProcess> => {
    const yaml = testAggregatorYaml({
      id,
      natsUrl: nats.url,
      dataDir: join(dir, id),
      storage: { type: "dir", path: join(dir, "bucket") },
      httpPort: await freePort(),
      ackWait: "2s",
    });
    const path = join(dir, `${id}.yaml`);
    const text = `${yaml}rule_files: [rules.yml]\nrule_evaluation: { for_grace_period: 1s }\nalerting: {config_file: am.yml}\n`;
    writeFileSync(path, text);
    const agg = await startAggregatorProcess(path, parseAggregatorConfig(text, path));
    cleanups.push(async () => {
      if (agg.proc.exitCode === null) await agg.kill();
    });
    return agg;
  };
  const notified = (alertname: string) =>
    sink.received.filter((r) => (r.body as any).groupLabels.alertname === alertname);
  return { sink, start, notified };
}

async function metric(a: AggregatorProcess, pattern: RegExp): Promise<boolean> {
  return pattern.test(await (await fetch(`${a.url}/metrics`)).text());
}
const holdsNotifier = (a: AggregatorProcess) =>
  metric(a, /^outpost_notifier_lease_held\{tenant="default"\} 1$/m);
const holdsRules = (a: AggregatorProcess) => metric(a, /outpost_rule_group_held\{[^}]*\} 1/);

/** Waits until `check` holds; fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Cannot see ${what}: timed out after ${ms} ms`);
    await Bun.sleep(50);
  }
}

async function alertsOf(a: AggregatorProcess, path: string): Promise<any[]> {
  const body = (await (await fetch(`${a.url}${path}`)).json()) as any;
  return Array.isArray(body) ? body : body.data.alerts;
}

test("one notification per group: from a rule evaluated on either aggregator, and for an alert posted to the non-holder", async () => {
  const { start, notified } = await cluster(Date.now() + 5_000);
  const aggs = await Promise.all([start("a"), start("b")]);
  await until(() => notified("HaFiring").length > 0, 20_000, "the rule's notification");
  const holder = (await holdsNotifier(aggs[0])) ? aggs[0] : aggs[1];
  const other = holder === aggs[0] ? aggs[1] : aggs[0];
  expect(await holdsNotifier(other)).toBe(false);
  // Every aggregator answers with the shared alerts.
  for (const a of aggs)
    expect((await alertsOf(a, "/api/v2/alerts")).map((x) => x.labels.alertname)).toContain(
      "HaFiring",
    );
  const posted = await fetch(`${other.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ labels: { alertname: "Posted", to: "non-holder" } }]),
  });
  expect(posted.status).toBe(200);
  await until(
    () => notified("Posted").length > 0,
    GROUP_WAIT + 3_000,
    "the posted alert's notification",
  );
  await Bun.sleep(GROUP_WAIT);
  expect(notified("HaFiring")).toHaveLength(1);
  expect(notified("Posted")).toHaveLength(1);
  expect((notified("Posted")[0].body as any).alerts[0].labels).toEqual({
    alertname: "Posted",
    to: "non-holder",
  });
}, 40_000);

test("a kill -9 of the holder of both leases during group_wait: the survivor notifies exactly once and keeps `for`", async () => {
  const { start, notified } = await cluster(Date.now() + 7_000, KILL_GROUP_WAIT);
  const first = await start("first");
  await until(
    async () => (await holdsNotifier(first)) && (await holdsRules(first)),
    10_000,
    "the first aggregator holding both leases",
  );
  const survivor = await start("survivor");
  // Seen through the survivor: the alert is in the shared bucket once the first one fires it.
  await until(
    async () =>
      (await alertsOf(survivor, "/api/v2/alerts")).some((x) => x.labels.alertname === "HaFiring"),
    15_000,
    "the firing alert",
  );
  const firedAt = Date.now();
  // So that the survivor restores a firing alert (one still pending would be shifted by the
  // outage).
  await Bun.sleep(COMMIT_WAIT);
  const before = (await alertsOf(first, "/api/v1/alerts")).find(
    (x) => x.labels.alertname === "HaFiring",
  );
  await first.kill();
  expect(notified("HaFiring")).toHaveLength(0); // killed during group_wait
  await until(
    () => notified("HaFiring").length > 0,
    KILL_GROUP_WAIT + 2 * NOTIFIER_LEASE_TTL,
    "the notification after the takeover",
  );
  const latency = notified("HaFiring")[0].at - firedAt;
  // At worst the killed holder renewed just before the kill (the lease then lasts its TTL) and
  // the survivor tried just before it expired (it tries every quarter TTL); 2 s to restore.
  expect(latency).toBeLessThanOrEqual(KILL_GROUP_WAIT + NOTIFIER_LEASE_TTL * 1.25 + 2_000);
  expect(await holdsNotifier(survivor)).toBe(true);
  await until(() => holdsRules(survivor), 5_000, "the survivor evaluating the rule group");
  await Bun.sleep(KILL_GROUP_WAIT);
  expect(notified("HaFiring")).toHaveLength(1);
  // `for` kept: the survivor restored the alert's ActiveAt from ALERTS_FOR_STATE.
  const after = (await alertsOf(survivor, "/api/v1/alerts")).find(
    (x) => x.labels.alertname === "HaFiring",
  );
  expect(after.state).toBe("firing");
  expect(Math.abs(Date.parse(after.activeAt) - Date.parse(before.activeAt))).toBeLessThanOrEqual(
    1_000,
  );
}, 60_000);
