// biome-ignore-all lint/suspicious/noExplicitAny: the JSON answers of the APIs, read loosely
/**
 * `outpost notifier` where Alertmanager would run: an aggregator with `alerting.dispatch: false`
 * evaluates the rule, the notifier process on the same config file and nats-server sends the
 * notification (once), takes Prometheus 2.42's alerts as Alertmanager does, answers amtool,
 * shares silences with the aggregator, records its notification attempts in the history the
 * aggregator stores, keeps its config on a bad reload, and asks for credentials when it
 * listens beyond loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  startNotifierProcess,
  testAggregatorYaml,
} from "../harness/aggregator.ts";
import { amtool, type Sink, startSink } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pollValue as until } from "../harness/poll.ts";
import { freePort } from "../harness/ports.ts";

const CLI = join(import.meta.dir, "..", "..", "cli", "outpost.ts");

const RULES = `groups:
- name: proc
  interval: 1s
  rules:
  - alert: ProcFiring
    expr: vector(1)
    labels: {severity: page}
    annotations: {summary: "sent by the notifier process"}
`;

const amYaml = (sink: Sink) =>
  `route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 1m, repeat_interval: 1h}
receivers: [{name: hook, webhook_configs: [{url: "${sink.url}/hook"}]}]
`;

let dir: string;
let nats: NatsServerHandle;
let sink: Sink;
let aggregator: AggregatorProcess;
let notifier: AggregatorProcess;

/** The config both processes read: the aggregator does not dispatch. */
async function writeConfig(id: string, notifierListen: string): Promise<[string, string]> {
  const yaml = `${testAggregatorYaml({
    id,
    natsUrl: nats.url,
    dataDir: join(dir, id),
    storage: { type: "dir", path: join(dir, "bucket") },
    httpPort: await freePort(),
  })}rule_files: [rules.yml]
alerting: {config_file: am.yml, dispatch: false}
notifier: {http_listen: "${notifierListen}"}
`;
  const path = join(dir, `${id}.yaml`);
  writeFileSync(path, yaml);
  return [path, yaml];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-notifier-process-"));
  nats = await startNatsServer();
  sink = startSink();
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), amYaml(sink));
  const [path, yaml] = await writeConfig("agg", `127.0.0.1:${await freePort()}`);
  const config = parseAggregatorConfig(yaml, path);
  aggregator = await startAggregatorProcess(path, config);
  notifier = await startNotifierProcess(path, config);
}, 60_000);

afterAll(async () => {
  await notifier?.stop();
  await aggregator?.stop();
  sink?.stop();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** `outpost user add` then `outpost token create` on the config at `path`: the token's secret. */
async function createToken(path: string, role: string): Promise<string> {
  const run = async (args: string[], stdin?: string) => {
    const proc = Bun.spawn(["bun", "run", CLI, ...args, "--config", path], {
      stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
      stdout: "pipe",
      stderr: "inherit",
    });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect(code).toBe(0);
    return out.trim();
  };
  await run(
    ["user", "add", `u-${role}`, "--role", role, "--password-stdin"],
    "a-long-password-1\n",
  );
  return run(["token", "create", "--name", `t-${role}`, "--owner", `u-${role}`, "--role", role]);
}

const leaseHeld = async (p: AggregatorProcess) =>
  /^outpost_notifier_lease_held\{tenant="default"\} 1$/m.test(
    await (await fetch(`${p.url}/metrics`)).text(),
  );

const sent = () =>
  sink.received.filter((r) => (r.body as any).groupLabels.alertname === "ProcFiring");

describe("outpost notifier beside an aggregator with alerting.dispatch: false", () => {
  test("the notifier process holds the lease and sends the rules' alert once", async () => {
    await until(
      async () => sent().length,
      (n) => n > 0,
    );
    expect(sent().length).toBe(1);
    const body = sent()[0].body as any;
    expect(body.version).toBe("4");
    expect(body.alerts[0].labels).toMatchObject({ alertname: "ProcFiring", severity: "page" });
    expect(body.alerts[0].annotations.summary).toBe("sent by the notifier process");
    expect(await leaseHeld(notifier)).toBe(true);
    expect(await leaseHeld(aggregator)).toBe(false);
    // Re-evaluations every second change nothing: no second notification within the group's interval.
    await Bun.sleep(3_000);
    expect(sent().length).toBe(1);
  }, 30_000);

  test("it runs without JavaScriptCore's FTL tier and with a small host's heap, in the process that was started", async () => {
    // `outpost notifier` runs itself again in place with the setting (shared/runtime/jsc_settings.ts):
    // the pid the harness spawned is the one serving, and its environment holds the settings.
    const environ = (await Bun.file(`/proc/${notifier.proc.pid}/environ`).text()).split("\0");
    expect(environ).toContain("BUN_JSC_useFTLJIT=0");
    expect(environ).toContain("BUN_JSC_forceRAMSize=268435456");
    expect((await fetch(`${notifier.url}/-/ready`)).ok).toBe(true);
  });

  test("it answers as Alertmanager does: health, readiness, amtool's alert query", async () => {
    expect((await fetch(`${notifier.url}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${notifier.url}/-/ready`)).status).toBe(200);
    const q = await amtool(notifier.url, ["alert", "query", "alertname=ProcFiring"]);
    expect(q.code).toBe(0);
    expect(q.stdout).toContain("ProcFiring");
    // Nothing of the aggregator's is served here.
    expect((await fetch(`${notifier.url}/api/v1/query?query=up`)).status).toBe(404);
  }, 30_000);

  test("a silence made on the notifier is the aggregator's too, and back", async () => {
    const add = await amtool(notifier.url, [
      "silence",
      "add",
      "alertname=ProcFiring",
      "--comment=maintenance",
      "--author=ops",
      "--duration=1h",
    ]);
    expect(add.code).toBe(0);
    const id = add.stdout.trim();
    const onAggregator = await until(
      async () => (await (await fetch(`${aggregator.url}/api/v2/silences`)).json()) as any[],
      (list) => list.some((s) => s.id === id),
    );
    expect(onAggregator.find((s) => s.id === id).comment).toBe("maintenance");
    const alerts = await until(
      async () => (await (await fetch(`${notifier.url}/api/v2/alerts`)).json()) as any[],
      (list) => list.some((a) => a.status.silencedBy.includes(id)),
    );
    expect(alerts.find((a) => a.labels.alertname === "ProcFiring").status.state).toBe("suppressed");
    expect((await amtool(aggregator.url, ["silence", "expire", id])).code).toBe(0);
    const expired = await until(
      async () => (await (await fetch(`${notifier.url}/api/v2/silence/${id}`)).json()) as any,
      (s) => s.status.state === "expired",
    );
    expect(expired.status.state).toBe("expired");
  }, 30_000);

  test("its notification attempts are in the history the aggregator stores", async () => {
    const records = await until(
      async () => {
        const res = await fetch(
          `${aggregator.url}/api/v1/alerts/history?kind=notification&receiver=hook`,
        );
        return ((await res.json()) as any).data as any[];
      },
      (rs) => rs.length > 0,
      30_000,
    );
    expect(records[0]).toMatchObject({
      kind: "notification",
      receiver: "hook",
      outcome: "success",
    });
  }, 40_000);

  test("a broken alertmanager.yml on reload is refused and the one in force keeps running", async () => {
    writeFileSync(join(dir, "am.yml"), "route: {receiver: nobody}\nreceivers: []\n");
    try {
      const res = await fetch(`${notifier.url}/-/reload`, { method: "POST" });
      expect(res.status).toBe(500);
      expect(await res.text()).toContain("nobody");
      const receivers = (await (await fetch(`${notifier.url}/api/v2/receivers`)).json()) as any[];
      expect(receivers.map((r) => r.name)).toEqual(["hook"]);
    } finally {
      writeFileSync(join(dir, "am.yml"), amYaml(sink));
    }
    expect((await fetch(`${notifier.url}/-/reload`, { method: "POST" })).status).toBe(200);
  }, 30_000);

  test("Prometheus 2.42 sends its alerts to it as to Alertmanager", async () => {
    const promDir = join(dir, "prometheus");
    const notifierHost = notifier.url.replace("http://", "");
    writeFileSync(
      join(dir, "prom-rules.yml"),
      "groups:\n- name: prom\n  rules:\n  - alert: FromPrometheus\n    expr: vector(1)\n    labels: {team: db}\n",
    );
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global: {evaluation_interval: 1s}
rule_files: [prom-rules.yml]
alerting:
  alertmanagers: [{api_version: v2, static_configs: [{targets: ["${notifierHost}"]}]}]
`,
    );
    const prometheus = Bun.spawn(
      [
        "prometheus",
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--web.listen-address=127.0.0.1:${await freePort()}`,
        `--storage.tsdb.path=${promDir}`,
        // Its first send can come before its Alertmanager list is discovered (5 s), and is
        // then lost until the next resend (1 m by default).
        "--rules.alert.resend-delay=2s",
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    try {
      const fromProm = () =>
        sink.received.filter((r) => (r.body as any).groupLabels.alertname === "FromPrometheus");
      await until(
        async () => fromProm().length,
        (n) => n > 0,
        30_000,
      );
      const alert = (fromProm()[0].body as any).alerts[0];
      expect(alert.labels).toEqual({ alertname: "FromPrometheus", team: "db" });
      expect(alert.generatorURL).toContain("/graph?g0.expr=");
      // The aggregator lists what Prometheus posted to the notifier: the alerts are shared.
      const listed = await until(
        async () => (await (await fetch(`${aggregator.url}/api/v2/alerts`)).json()) as any[],
        (list) => list.some((a) => a.labels.alertname === "FromPrometheus"),
      );
      expect(listed.some((a) => a.labels.alertname === "FromPrometheus")).toBe(true);
    } finally {
      prometheus.kill();
      await prometheus.exited;
    }
  }, 60_000);

  test("beyond loopback it asks for credentials, takes the aggregators' tokens, keeps health open", async () => {
    const [path, yaml] = await writeConfig("exposed", `0.0.0.0:${await freePort()}`);
    const config = parseAggregatorConfig(yaml, path);
    const exposed = await startNotifierProcess(path, config);
    try {
      const url = exposed.url.replace("0.0.0.0", "127.0.0.1");
      expect((await fetch(`${url}/api/v2/alerts`)).status).toBe(401);
      expect((await fetch(`${url}/api/v2/silences`)).status).toBe(401);
      const post = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([{ labels: { alertname: "Intruder" } }]),
      });
      expect(post.status).toBe(401);
      expect((await fetch(`${url}/-/healthy`)).status).toBe(200);
      // A viewer's token, made the way an operator makes one for the aggregators, reads here
      // (users and tokens live in NATS KV) and may not post.
      const secret = await createToken(path, "viewer");
      const auth = { authorization: `Bearer ${secret}` };
      const listed = await until(
        async () => (await fetch(`${url}/api/v2/alerts`, { headers: auth })).status,
        (status) => status === 200,
      );
      expect(listed).toBe(200);
      const alerts = (await (
        await fetch(`${url}/api/v2/alerts`, { headers: auth })
      ).json()) as any[];
      expect(alerts.some((a) => a.labels.alertname === "ProcFiring")).toBe(true);
      const viewerPost = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify([{ labels: { alertname: "Intruder" } }]),
      });
      expect(viewerPost.status).toBe(403);
    } finally {
      await exposed.stop();
    }
  }, 60_000);
});

describe("outpost notifier beside an aggregator of the same id that still dispatches", () => {
  test("one of the two holds the lease, and the alert is sent once", async () => {
    const ownDir = mkdtempSync(join(tmpdir(), "outpost-notifier-same-id-"));
    const ownNats = await startNatsServer();
    const ownSink = startSink();
    const started: AggregatorProcess[] = [];
    try {
      writeFileSync(join(ownDir, "rules.yml"), RULES);
      writeFileSync(join(ownDir, "am.yml"), amYaml(ownSink));
      // One file for both, as on a host running both with the host name as their id.
      const yaml = `${testAggregatorYaml({
        id: "host1",
        natsUrl: ownNats.url,
        dataDir: join(ownDir, "agg"),
        storage: { type: "dir", path: join(ownDir, "bucket") },
        httpPort: await freePort(),
      })}rule_files: [rules.yml]
alerting: {config_file: am.yml}
notifier: {http_listen: "127.0.0.1:${await freePort()}"}
`;
      const path = join(ownDir, "host1.yaml");
      writeFileSync(path, yaml);
      const config = parseAggregatorConfig(yaml, path);
      started.push(await startAggregatorProcess(path, config));
      started.push(await startNotifierProcess(path, config));
      const sentHere = () =>
        ownSink.received.filter((r) => (r.body as any).groupLabels.alertname === "ProcFiring");
      await until(
        async () => sentHere().length,
        (n) => n > 0,
      );
      // Both try the lease every 2.5 s: long enough for a second holder to have sent.
      await Bun.sleep(6_000);
      expect(sentHere().length).toBe(1);
      const held = await Promise.all(started.map(leaseHeld));
      expect(held.filter(Boolean).length).toBe(1);
    } finally {
      for (const p of started.reverse()) await p.stop();
      ownSink.stop();
      await ownNats.dispose();
      rmSync(ownDir, { recursive: true, force: true });
    }
  }, 60_000);
});
