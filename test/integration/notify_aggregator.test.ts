/**
 * The notifier inside a real aggregator (nats-server, a dir bucket): alerts of its own rules
 * reach a webhook, and the Alertmanager API v2 subset answers on the aggregator's port.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { MAX_POST_BYTES } from "../../aggregator/notify/api/v2.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { amtool, type Sink, startSink } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-notify-agg-"));
let nats: NatsServerHandle;
let aggregator: Aggregator;
let sink: Sink;

beforeAll(async () => {
  sink = startSink();
  writeFileSync(
    join(dir, "am.yml"),
    `route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 2s}
receivers:
  - name: hook
    webhook_configs:
      - url: ${sink.url}/hook
        http_config: {basic_auth: {username: u, password: hunter2}}
    slack_configs:
      - api_url: ${sink.url}/slack
        channel: "#alerts"
`,
  );
  writeFileSync(
    join(dir, "rules.yml"),
    "groups:\n- name: g\n  rules:\n  - alert: Always\n    expr: vector(1)\n    labels: {severity: page}\n",
  );
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    "global: { evaluation_interval: 1s }\nrule_files: [rules.yml]\nalerting: {config_file: am.yml}\n",
  );
}, 30_000);

afterAll(async () => {
  await aggregator?.stop();
  await nats?.dispose();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: string) =>
  fetch(`${aggregator.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });

describe("the aggregator's notifier", () => {
  test("a rule's alert reaches the webhook with the integration's basic auth", async () => {
    // The receiver's webhook and Slack integrations are sent side by side: either may be first.
    const hook = () => sink.received.find((r) => r.path === "/hook");
    for (let i = 0; i < 100 && !hook(); i++) await Bun.sleep(100);
    const first = hook()!;
    expect(first.headers.get("authorization")).toBe(`Basic ${btoa("u:hunter2")}`);
    expect(first.body).toMatchObject({
      version: "4",
      receiver: "hook",
      status: "firing",
      groupLabels: { alertname: "Always" },
      externalURL: aggregator.url,
    });
  }, 15_000);

  test("the same alert reaches Slack rendered with Alertmanager's default templates", async () => {
    const slack = () => sink.received.find((r) => r.path === "/slack");
    for (let i = 0; i < 100 && !slack(); i++) await Bun.sleep(100);
    expect(slack()?.body).toMatchObject({
      channel: "#alerts",
      username: "Alertmanager", // the default template's, as Alertmanager sends it
      attachments: [{ title: "[FIRING:1] Always (page)", color: "danger" }],
    });
  }, 15_000);

  test("POST /api/v2/alerts stores alerts that GET lists with their receivers", async () => {
    expect((await post('[{"labels":{"alertname":"Posted","x":"1"}}]')).status).toBe(200);
    const res = await fetch(`${aggregator.url}/api/v2/alerts?filter=alertname%3D"Posted"`);
    const alerts = (await res.json()) as { labels: object; receivers: object[]; status: object }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      labels: { alertname: "Posted", x: "1" },
      receivers: [{ name: "hook" }],
      status: { state: "active", inhibitedBy: [], silencedBy: [] },
    });
  });

  // As Alertmanager: 400 for a body it cannot decode, 422 for one breaking its API's schema.
  test.each([
    ["not JSON", "nope", 400, "parsing alerts body failed"],
    ["not an array", '{"labels":{}}', 400, "must be a JSON array"],
    ["an alert without labels", '[{"annotations":{}}]', 422, "labels in body is required"],
    ["a body over the cap", `[${" ".repeat(MAX_POST_BYTES)}]`, 400, "bytes"],
  ])("POST /api/v2/alerts refuses %s with %i", async (_, body, status, message) => {
    const before = aggregator.notifier?.store.size;
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(await res.json())).toContain(message);
    expect(aggregator.notifier?.store.size).toBe(before);
  });

  test("GET /api/v2/status prints the config with secrets hidden", async () => {
    const status = (await (await fetch(`${aggregator.url}/api/v2/status`)).json()) as {
      config: { original: string };
      cluster: { status: string };
    };
    expect(status.cluster.status).toBe("disabled");
    expect(status.config.original).toContain("password: <secret>");
    expect(status.config.original).not.toContain("hunter2");
  });

  test("a silence made with amtool mutes an alert: listed as suppressed, never sent", async () => {
    const add = await amtool(aggregator.url, [
      "silence",
      "add",
      "alertname=Hushed",
      "-c",
      "maintenance",
      "-a",
      "test",
      "-d",
      "1h",
    ]);
    expect(add.code).toBe(0);
    const id = add.stdout.trim();
    expect((await post('[{"labels":{"alertname":"Hushed"}}]')).status).toBe(200);
    const res = await fetch(`${aggregator.url}/api/v2/alerts?filter=alertname%3D"Hushed"`);
    const [alert] = (await res.json()) as { status: object }[];
    expect(alert.status).toEqual({ state: "suppressed", inhibitedBy: [], silencedBy: [id] });
    const active = await fetch(
      `${aggregator.url}/api/v2/alerts?silenced=false&filter=alertname%3D"Hushed"`,
    );
    expect(await active.json()).toEqual([]);
    await Bun.sleep(2_500); // past group_wait: the group flushed, nothing went out
    const sent = sink.received.filter((r) => JSON.stringify(r.body).includes("Hushed"));
    expect(sent).toEqual([]);
    const query = await amtool(aggregator.url, ["silence", "query", "-q"]);
    expect(query.stdout.trim().split("\n")).toContain(id);
  }, 15_000);
});
