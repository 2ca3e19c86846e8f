// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of two HTTP APIs, read loosely
/**
 * A prometheus.yml's `alerting` section side by side with Prometheus 2.42: the same rules and
 * the same `alert_relabel_configs` (a replica external label dropped, a label written from
 * another, one alert dropped, one left without labels) and the same Alertmanager sets (one
 * static, one read from a file_sd file whose targets are kept by label and whose
 * `__alerts_path__` is rewritten), each side with Alertmanagers 0.25 of its own. What each
 * Alertmanager holds must be the same on both sides, and Outpost's own notifier must hold what
 * they hold; `/api/v1/alertmanagers` must list the same Alertmanagers, active and dropped,
 * before and after the file_sd file changes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { until } from "../harness/aggregator_queries.ts";
import { type RunningAlertmanager, startAlertmanager } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type PrometheusPeer, startPrometheus } from "../harness/prometheus.ts";

const RULES = `groups:
- name: relabel
  rules:
  - alert: Kept
    expr: vector(1)
    labels: { severity: page, team: db }
    annotations: { summary: 'kept on {{ $externalLabels.monitor }}' }
  - alert: Noise
    expr: vector(1)
    labels: { team: web }
  - alert: Emptied
    expr: vector(1)
`;

/** The `alerting` section both sides read, but for their own Alertmanagers. */
function alertingYaml(staticTarget: string): string {
  return `alerting:
  alert_relabel_configs:
    - action: labeldrop
      regex: replica
    - source_labels: [team]
      regex: (.+)
      target_label: owner
      replacement: team-$1
    - source_labels: [alertname]
      regex: Noise
      action: drop
    # Emptied loses every label: Prometheus sends it and Alertmanager refuses it, Outpost
    # leaves it out; either way no Alertmanager holds it.
    - source_labels: [alertname]
      regex: Emptied
      target_label: wipe
      replacement: "yes"
    - source_labels: [wipe]
      regex: "yes"
      target_label: monitor
      replacement: ""
    - source_labels: [wipe]
      regex: "yes"
      target_label: alertname
      replacement: ""
    - action: labeldrop
      regex: wipe
  alertmanagers:
    - static_configs: [{ targets: ["${staticTarget}"] }]
    - file_sd_configs: [{ files: [am_sd/*.yml], refresh_interval: 1s }]
      path_prefix: /behind
      relabel_configs:
        - source_labels: [role]
          regex: main
          action: keep
        - source_labels: [__alerts_path__]
          regex: /behind(/.*)
          target_label: __alerts_path__
`;
}

/** One side: its directory, its Alertmanagers (static, file_sd, the one the file adds later). */
interface Side {
  dir: string;
  ams: Record<"static" | "sd" | "later", RunningAlertmanager>;
}

let nats: NatsServerHandle;
let prometheus: PrometheusPeer;
let aggregator: Aggregator;
const sides: { prom: Side; outpost: Side } = {} as any;

const host = (am: RunningAlertmanager) => am.url.replace("http://", "");

/** The file_sd file of a side: `later` spare (dropped) at first, then main (sent to). */
function writeTargets(side: Side, laterIsMain: boolean): void {
  const [sd, later] = [host(side.ams.sd), host(side.ams.later)];
  const main = laterIsMain ? `"${sd}", "${later}"` : `"${sd}"`;
  const spare = laterIsMain ? `"127.0.0.1:9"` : `"${later}", "127.0.0.1:9"`;
  writeFileSync(
    join(side.dir, "am_sd", "ams.yml"),
    `- targets: [${main}]\n  labels: { role: main }\n- targets: [${spare}]\n  labels: { role: spare }\n`,
  );
}

async function newSide(): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-alert-relabel-"));
  mkdirSync(join(dir, "am_sd"));
  writeFileSync(join(dir, "rules.yml"), RULES);
  const [s, sd, later] = await Promise.all([1, 2, 3].map(() => startAlertmanager()));
  const side = { dir, ams: { static: s!, sd: sd!, later: later! } };
  writeTargets(side, false);
  return side;
}

beforeAll(async () => {
  sides.prom = await newSide();
  sides.outpost = await newSide();
  const global = (replica: string) =>
    `global: { evaluation_interval: 1s, external_labels: { monitor: side, replica: ${replica} } }\n`;
  prometheus = await startPrometheus(
    sides.prom.dir,
    `${global("prom")}rule_files: [rules.yml]\n${alertingYaml(host(sides.prom.ams.static))}`,
    ["--rules.alert.resend-delay=1s"],
  );
  nats = await startNatsServer();
  const dir = sides.outpost.dir;
  writeFileSync(join(dir, "am.yml"), "route: { receiver: none }\nreceivers: [{ name: none }]\n");
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    `${global("outpost")}rule_files: [rules.yml]\nrule_evaluation: { resend_delay: 1s }\n${alertingYaml(
      host(sides.outpost.ams.static),
    ).replace("alerting:\n", "alerting:\n  config_file: am.yml\n")}`,
  );
}, 60_000);

afterAll(async () => {
  await aggregator?.stop();
  await prometheus?.stop();
  for (const side of [sides.prom, sides.outpost])
    for (const am of Object.values(side?.ams ?? {})) await am.stop();
  await nats?.dispose();
});

/** What an Alertmanager (or Outpost's notifier) holds: labels and annotations, by alertname. */
async function held(base: string): Promise<{ labels: any; annotations: any }[]> {
  const res = await fetch(`${base}/api/v2/alerts`).catch(() => null);
  if (!res?.ok) return [];
  return ((await res.json()) as any[])
    .map((a) => ({ labels: a.labels, annotations: a.annotations }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** `/api/v1/alertmanagers` of a side, its Alertmanagers' addresses named, each list sorted. */
async function listed(base: string, side: Side): Promise<{ active: string[]; dropped: string[] }> {
  const res = await fetch(`${base}/api/v1/alertmanagers`).catch(() => null);
  const data = res?.ok ? ((await res.json()) as any).data : null;
  const name = (url: string) =>
    Object.entries(side.ams).reduce((u, [n, am]) => u.replace(host(am), n.toUpperCase()), url);
  const urls = (list: any[] | undefined) => (list ?? []).map((a) => name(a.url)).sort();
  return { active: urls(data?.activeAlertmanagers), dropped: urls(data?.droppedAlertmanagers) };
}

const both = () =>
  Promise.all([listed(prometheus.url, sides.prom), listed(aggregator.url, sides.outpost)]);

const KEPT = [
  {
    labels: { alertname: "Kept", monitor: "side", owner: "team-db", severity: "page", team: "db" },
    annotations: { summary: "kept on side" },
  },
];

test("Outpost's Alertmanagers and notifier hold what Prometheus's Alertmanagers hold, relabeled alike", async () => {
  const [theirs, ours] = await until(
    "both sides' Alertmanagers discovered",
    both,
    ([p, o]) => p.active.length === 2 && Bun.deepEquals(p, o),
  );
  expect(ours).toEqual(theirs);
  expect(theirs).toEqual({
    active: ["http://SD/api/v2/alerts", "http://STATIC/api/v2/alerts"],
    dropped: ["http://127.0.0.1:9/behind/api/v2/alerts", "http://LATER/behind/api/v2/alerts"],
  });
  const receivers = [
    sides.prom.ams.static.url,
    sides.prom.ams.sd.url,
    sides.outpost.ams.static.url,
    sides.outpost.ams.sd.url,
    aggregator.url,
  ];
  const got = await until(
    "Kept at every Alertmanager",
    () => Promise.all(receivers.map(held)),
    (all) => all.every((h) => h.length > 0),
  );
  // Two more evaluations sent: an alert that was to be dropped would have arrived by now.
  await Bun.sleep(2_500);
  const settled = await Promise.all(receivers.map(held));
  expect(settled).toEqual(got);
  for (const h of settled) expect(h).toEqual(KEPT);
  for (const side of [sides.prom, sides.outpost])
    expect(await held(side.ams.later.url)).toEqual([]);
}, 90_000);

test("both re-read the file_sd file when it changes, and send to the Alertmanager it adds", async () => {
  writeTargets(sides.prom, true);
  writeTargets(sides.outpost, true);
  const [theirs, ours] = await until(
    "the added Alertmanager listed on both sides",
    both,
    ([p, o]) => p.active.length === 3 && Bun.deepEquals(p, o),
  );
  expect(ours).toEqual(theirs);
  expect(theirs).toEqual({
    active: [
      "http://LATER/api/v2/alerts",
      "http://SD/api/v2/alerts",
      "http://STATIC/api/v2/alerts",
    ],
    dropped: ["http://127.0.0.1:9/behind/api/v2/alerts"],
  });
  const later = [sides.prom.ams.later.url, sides.outpost.ams.later.url];
  const got = await until(
    "Kept at the added Alertmanagers",
    () => Promise.all(later.map(held)),
    (all) => all.every((h) => h.length > 0),
  );
  expect(got).toEqual([KEPT, KEPT]);
}, 60_000);
