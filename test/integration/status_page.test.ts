/**
 * The public status page's data (`GET /status.json`) from a real aggregator with authentication
 * on, fed probe series through nats-server: only the configured targets are answered, under
 * their configured names and without labels, with the uptime API's SLA; no other API answers
 * without credentials.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import type { StatusAnswer } from "../../aggregator/uptime/status_page.ts";
import { UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { connectTo, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pointsEvery, publishSeries } from "../harness/samples.ts";

const PASSWORD = "status page secret";
const NOW = Date.now();
const START = NOW - 20 * 60_000;
const STEP = 15_000;
const probe = (instance: string, job: string, ok: (i: number) => number) => ({
  labels: { __name__: "probe_success", instance, job },
  points: pointsEvery(START, NOW - 1000, STEP, ok),
});
const duration = (instance: string, job: string, s: number) => ({
  labels: { __name__: "probe_duration_seconds", instance, job },
  points: pointsEvery(START, NOW - 1000, STEP, () => s),
});

let nats: NatsServerHandle;
let nc: NatsConnection;
let dir: string;
let agg: Aggregator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-status-page-"));
  nats = await startNatsServer();
  agg = await startInProcessAggregator(
    dir,
    nats.url,
    `auth: {enabled: true}
status_page:
  enabled: true
  title: Example status
  decimals: 2
  targets:
    - target: https://shop.example/
    - target: '{job="api"}'
      name: Public API
`,
  );
  await agg.auth!.addUser("ada", "admin", PASSWORD);
  nc = await connectTo(nats.url);
  await publishSeries(nc, [
    // Every 10th probe fails: 90 % of 80.
    probe("https://shop.example/", "web", (i) => (i % 10 === 5 ? 0 : 1)),
    duration("https://shop.example/", "web", 0.25),
    probe("https://api-1.internal/", "api", () => 1),
    probe("https://api-2.internal/", "api", (i) => (i >= 76 ? 0 : 1)),
    duration("https://api-2.internal/", "api", 0.5),
    probe("https://secret.internal/", "hidden", () => 0),
  ]);
  await waitForAllAcked(nc);
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const admin: Interceptor = (next) => (req) => {
  req.header.set("Authorization", `Basic ${btoa(`ada:${PASSWORD}`)}`);
  return next(req);
};

test("/status.json answers the chosen targets only, by name, without credentials", async () => {
  const res = await fetch(`${agg.url}/status.json`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const body = JSON.parse(text);
  expect(body.title).toBe("Example status");
  expect(body.decimals).toBe(2);
  expect(body.rows.map((r: { name: string }) => r.name)).toEqual([
    "https://shop.example/",
    "Public API",
  ]);
  // Nothing about the unchosen target, and no label of the chosen ones.
  for (const hidden of ["secret", "internal", "hidden", "job", "instance"])
    expect(text).not.toContain(hidden);
  expect(body.rows[0].state).toBe("up");
  // The selector's row pools two targets; one of them failed its latest probe.
  expect(body.rows[1].state).toBe("down");
  expect(body.rows[0].response_seconds).toBe(0.25);
  expect(body.rows[1].response_seconds).toBe(0.5);
});

test("a chosen target's SLA is the uptime API's; a selector's pools its probes", async () => {
  const body = (await (await fetch(`${agg.url}/status.json`)).json()) as StatusAnswer;
  const api = createClient(
    UptimeService,
    createConnectTransport({ baseUrl: agg.url, interceptors: [admin] }),
  );
  const windows = body.rows[0].sla.map((s) => BigInt(s.window_ms));
  const list = await api.listTargets({ windowsMs: windows, timeMs: BigInt(body.time_ms) });
  const shop = list.targets.find((t) => t.labels.some((l) => l.value === "https://shop.example/"));
  expect(body.rows[0].sla.map((s) => s.ratio)).toEqual(shop!.sla.map((s) => s.ratio));
  expect(body.rows[0].sla[0].ratio).toBeCloseTo(0.9, 10);
  const apis = list.targets.filter((t) => t.labels.some((l) => l.value === "api"));
  const pooled =
    apis.reduce((a, t) => a + t.sla[0].ratio * Number(t.sla[0].samples), 0) /
    apis.reduce((a, t) => a + Number(t.sla[0].samples), 0);
  expect(body.rows[1].sla[0].ratio).toBeCloseTo(pooled, 12);
});

test("/status.json answers 404 without credentials while status_page is off", async () => {
  const offDir = mkdtempSync(join(tmpdir(), "outpost-status-page-off-"));
  const offNats = await startNatsServer();
  const off = await startInProcessAggregator(offDir, offNats.url, "auth: {enabled: true}\n", "off");
  try {
    const res = await fetch(`${off.url}/status.json`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("probe");
    // Open, but off: the API next to it still wants credentials.
    expect((await fetch(`${off.url}/api/v1/query?query=up`)).status).toBe(401);
  } finally {
    await off.stop();
    await offNats.stop();
    rmSync(offDir, { recursive: true, force: true });
  }
});

test("no other API answers without credentials", async () => {
  const refused = [
    fetch(`${agg.url}/api/v1/query?query=probe_success`),
    fetch(`${agg.url}/outpost.uptime.v1.UptimeService/ListTargets`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }),
    fetch(`${agg.url}/status.json/../api/v1/series?match[]=up`),
    fetch(`${agg.url}/status.json`, { method: "POST" }),
  ];
  for (const res of await Promise.all(refused)) expect(res.status).toBe(401);
});
