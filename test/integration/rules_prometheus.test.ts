// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of two HTTP APIs, read loosely
/**
 * Rule evaluation side by side with Prometheus 2.42: one test exporter whose gauge the test
 * moves, scraped every second by Prometheus and by an Outpost agent, and the same rule file
 * evaluated every second by both. Alert states over time, ALERTS / ALERTS_FOR_STATE and the
 * recording rule's values must agree (timing aside: the two scrape at different moments).
 * Both have `global.external_labels` and send their alerts to an Alertmanager 0.25 of their
 * own (Outpost through `alerting.alertmanagers`, and to its own notifier too): what each
 * receives must be the same, external labels included, where the rules' own state has none.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startTestAgent, testAgentYaml } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { until } from "../harness/aggregator_queries.ts";
import { type RunningAlertmanager, startAlertmanager } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type PrometheusPeer, startPrometheus } from "../harness/prometheus.ts";

const RULES = `groups:
- name: demo
  rules:
  - record: demo:x2
    expr: demo_value * 2
    labels: { kind: rec }
  - alert: High
    expr: demo_value > 3
    for: 3s
    keep_firing_for: 2s
    labels:
      severity: page
      band: '{{ if gt $value 4.0 }}high{{ else }}low{{ end }}'
    annotations:
      summary: '{{ $labels.instance }} of {{ $labels.job }} is at {{ $value | humanize }}'
      doubled: '{{ with query "demo_value * 2" }}{{ . | first | value | printf "%.1f" }}{{ end }}'
      missing: '[{{ $labels.nosuch }}]'
`;

let value = 1;
let exporter: ReturnType<typeof Bun.serve>;
let nats: NatsServerHandle;
let prometheus: PrometheusPeer;
let promUrl = "";
let aggregator: Aggregator;
let agent: Agent;
let alertmanager: RunningAlertmanager;
/** The Alertmanager Outpost sends to. */
let outpostsAlertmanager: RunningAlertmanager;

/** The `global` both sides share: a second's evaluation, and external labels. */
const GLOBAL = "evaluation_interval: 1s, external_labels: { monitor: side, zone: z1 }";

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-rules-prom-"));
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), "route: { receiver: none }\nreceivers: [{ name: none }]\n");
  exporter = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(`# TYPE demo_value gauge\ndemo_value{inst="a"} ${value}\n`),
  });
  const target = `127.0.0.1:${exporter.port}`;
  alertmanager = await startAlertmanager();
  outpostsAlertmanager = await startAlertmanager();
  const sendTo = alertmanager.url.replace("http://", "");
  const outpostSendsTo = outpostsAlertmanager.url.replace("http://", "");
  prometheus = await startPrometheus(
    dir,
    `global: { scrape_interval: 1s, ${GLOBAL} }\nrule_files: [rules.yml]\nalerting: { alertmanagers: [{ static_configs: [{ targets: ["${sendTo}"] }] }] }\nscrape_configs:\n- job_name: demo\n  static_configs: [{ targets: ["${target}"] }]\n`,
  );
  promUrl = prometheus.url;
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    `global: { ${GLOBAL} }\nrule_files: [rules.yml]\nalerting:\n  config_file: am.yml\n  alertmanagers: [{ static_configs: [{ targets: ["${outpostSendsTo}"] }] }]\n`,
  );
  agent = await startTestAgent(testAgentYaml(nats.url, dir, { demo: target }, "1s"), dir);
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await prometheus?.stop();
  await alertmanager?.stop();
  await outpostsAlertmanager?.stop();
  await nats?.dispose();
  exporter?.stop(true);
});

async function get(base: string, path: string): Promise<any> {
  const res = await fetch(base + path).catch(() => null);
  return res?.ok ? ((await res.json()) as any).data : null;
}

/** The state of the High alert now ("-" without one). */
async function highState(base: string): Promise<string> {
  const data = await get(base, "/api/v1/alerts");
  return data?.alerts?.find((a: any) => a.labels.alertname === "High")?.state ?? "-";
}

/** Names and label sets of an instant query's result, without values, sorted. */
async function labelSets(base: string, query: string): Promise<string[]> {
  const data = await get(base, `/api/v1/query?query=${encodeURIComponent(query)}`);
  return (data?.result ?? []).map((r: any) => JSON.stringify(r.metric)).sort();
}

/**
 * Polls both sides for `ms`, collecting each side's sequence of distinct High states; then on
 * (at most 20 s) until both last states are `settled`: each side scrapes, evaluates and (here)
 * ingests on its own clock, and a slow machine can take longer than the window.
 */
async function watch(ms: number, seqs: { prom: string[]; outpost: string[] }, settled?: string) {
  const end = Date.now() + ms;
  const deadline = end + 20_000;
  const done = () =>
    settled === undefined || (seqs.prom.at(-1) === settled && seqs.outpost.at(-1) === settled);
  while (Date.now() < end || (!done() && Date.now() < deadline)) {
    for (const [side, base] of [
      ["prom", promUrl],
      ["outpost", aggregator.url],
    ] as const) {
      const s = await highState(base);
      if (seqs[side].at(-1) !== s) seqs[side].push(s);
    }
    await Bun.sleep(200);
  }
}

test("Outpost and Prometheus agree on alert states, ALERTS series and recorded values", async () => {
  const seqs = { prom: [] as string[], outpost: [] as string[] };
  const isEmpty = (l: string[]) => l.length === 0;
  await watch(4_000, seqs); // both have scraped and evaluated value 1
  value = 5;
  await watch(7_000, seqs, "firing"); // pending for 3 s, then firing
  const alerts = async (base: string) =>
    ((await get(base, "/api/v1/alerts")).alerts as any[]).map((a) => ({
      labels: a.labels,
      annotations: a.annotations,
      state: a.state,
      value: a.value,
    }));
  expect(await alerts(aggregator.url)).toEqual(await alerts(promUrl));
  // Outpost's rule output reaches its storage through JetStream, after the state the API
  // shows: the series may lag the firing state by a batch.
  for (const q of ["ALERTS", "ALERTS_FOR_STATE", "demo:x2"]) {
    const both = async () => [await labelSets(aggregator.url, q), await labelSets(promUrl, q)];
    const [ours, theirs] = await until(q, both, ([o, p]) => Bun.deepEquals(o, p));
    expect(ours).toEqual(theirs);
  }
  // What each Alertmanager received, and Outpost's own notifier: the rule's labels plus the
  // external labels, and the same annotations.
  const received = async (base: string) =>
    (
      (await (await fetch(`${base}/api/v2/alerts?filter=alertname%3D%22High%22`)).json()) as any[]
    ).map((a) => ({ labels: a.labels, annotations: a.annotations }));
  const sides = [aggregator.url, outpostsAlertmanager.url, alertmanager.url];
  const sent = await until(
    "High at the Alertmanagers",
    () => Promise.all(sides.map(received)),
    (got) => got.every((g) => g.length > 0),
  );
  expect(sent[0]).toEqual(sent[2]);
  expect(sent[1]).toEqual(sent[2]);
  expect(sent[2]?.[0]?.labels).toMatchObject({ alertname: "High", monitor: "side", zone: "z1" });
  // Each lists the Alertmanager it sends to, in the same shape.
  const listed = async (base: string, am: RunningAlertmanager) =>
    JSON.stringify(await get(base, "/api/v1/alertmanagers")).replace(am.url, "AM");
  expect(await listed(aggregator.url, outpostsAlertmanager)).toBe(
    await listed(promUrl, alertmanager),
  );
  const recorded = async (base: string) =>
    (await get(base, "/api/v1/query?query=demo:x2")).result[0]?.value[1];
  const ten = (v: string | undefined) => v === "10";
  expect(await until("demo:x2 at 10", () => recorded(aggregator.url), ten)).toBe("10");
  expect(await recorded(promUrl)).toBe("10");
  value = 1;
  await watch(6_000, seqs, "-"); // keeps firing for 2 s, then resolved
  expect(seqs.outpost).toEqual(seqs.prom);
  expect(seqs.prom).toEqual(["-", "pending", "firing", "-"]);
  // A resolved alert leaves ALERTS: the staleness marker ends both series at once (in Outpost,
  // written through JetStream after the state changed).
  const left = (base: string) => until("ALERTS to empty", () => labelSets(base, "ALERTS"), isEmpty);
  expect(await left(aggregator.url)).toEqual([]);
  expect(await left(promUrl)).toEqual([]);
}, 60_000);
