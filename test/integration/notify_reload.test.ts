/**
 * Reloading alertmanager.yml in a real aggregator (nats-server, shared notifier state) beside
 * Debian's Alertmanager 0.25 reloaded the same way (`POST /-/reload`): the same alert, the
 * same edits of the file at the same times, and per side the notifications each webhook
 * receives. A reload that changes nothing sends nothing again, a new receiver gets the firing
 * alert at once, a broken file is refused (500, every problem with its line) while the one in
 * force keeps sending; then SIGHUP reloads the aggregator's file too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import type { WebhookMessage } from "../../aggregator/notify/receivers/webhook.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import {
  type RunningAlertmanager,
  type Sink,
  startAlertmanager,
  startSink,
} from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

/** The file's versions: the receiver the root route sends to, and extra text. */
const version = (sink: string, receiver: string, extra = "") => `route:
  receiver: ${receiver}
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: old
    webhook_configs: [{url: ${sink}/old}]
  - name: new
    webhook_configs: [{url: ${sink}/new}]
  - name: third
    webhook_configs: [{url: ${sink}/third}]
${extra}`;

/** A file both refuse: a bad duration and an unknown field. */
const BROKEN = `route:
  receiver: old
  group_wait: soon
  colour: red
receivers:
  - name: old
`;

const dir = mkdtempSync(join(tmpdir(), "outpost-notify-reload-"));
const SIDES = ["am", "op"] as const;
type Side = (typeof SIDES)[number];
const file = (side: Side) => join(dir, `${side}.yml`);
let sink: Sink;
let nats: NatsServerHandle;
let am: RunningAlertmanager;
let aggregator: Aggregator;
const url = (side: Side) => (side === "am" ? am.url : aggregator.url);
const reloads: Record<Side, { status: number; body: string }[]> = { am: [], op: [] };
let start = 0;

const write = (side: Side, text: (sink: string) => string) =>
  writeFileSync(file(side), text(`${sink.url}/${side}`));

async function reload(side: Side): Promise<void> {
  const res = await fetch(`${url(side)}/-/reload`, { method: "POST" });
  reloads[side].push({ status: res.status, body: await res.text() });
}

async function post(side: Side, alertname: string): Promise<void> {
  const res = await fetch(`${url(side)}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ labels: { alertname } }]),
  });
  if (!res.ok) throw new Error(`${side}: ${res.status} ${await res.text()}`);
}

/** The steps, at their times (ms from the start), on both sides at once. */
const STEPS: [number, (side: Side) => Promise<void> | void][] = [
  [0, (s) => post(s, "A")],
  [3000, (s) => write(s, (u) => version(u, "old", "  - name: spare\n"))],
  [3000, reload],
  [5000, (s) => write(s, (u) => version(u, "new"))],
  [5000, reload],
  [7000, (s) => write(s, () => BROKEN)],
  [7000, reload],
  [7000, (s) => post(s, "B")],
];
const END = 10_000;

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${aggregator.url}/metrics`)).text();
  // The default tenant's notifier: its series carry tenant="default".
  const line = text.split("\n").find((l) => l.startsWith(`${name}{tenant="default"} `));
  return Number(line?.split(" ")[1]);
}

/** A side's notifications: webhook path, alerts and status, ms after the start. */
function notified(side: Side) {
  return sink.received
    .filter((r) => r.path.startsWith(`/${side}/`))
    .map((r) => {
      const body = r.body as WebhookMessage;
      return {
        path: r.path.slice(side.length + 1),
        status: body.status,
        alerts: body.alerts.map((a) => `${a.labels.alertname} ${a.status}`),
        at: r.at - start,
      };
    });
}

beforeAll(async () => {
  sink = startSink();
  for (const side of SIDES) write(side, (u) => version(u, "old"));
  nats = await startNatsServer();
  [am, aggregator] = await Promise.all([
    startAlertmanager(file("am")),
    startInProcessAggregator(dir, nats.url, "alerting: {config_file: op.yml}\n"),
  ]);
  for (let i = 0; i < 50 && (await metric("outpost_notifier_lease_held")) !== 1; i++)
    await Bun.sleep(100);
  start = Date.now();
  for (const [at, step] of STEPS) {
    await Bun.sleep(Math.max(0, start + at - Date.now()));
    await Promise.all(SIDES.map((side) => step(side)));
  }
  await Bun.sleep(Math.max(0, start + END - Date.now()));
}, 40_000);

afterAll(async () => {
  await aggregator?.stop();
  await am?.stop();
  await nats?.dispose();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("reloading alertmanager.yml beside Alertmanager 0.25", () => {
  test("each webhook receives the same notifications in the same order, within a second", () => {
    const want = notified("am");
    const got = notified("op");
    expect(got.map(({ at, ...n }) => n)).toEqual(want.map(({ at, ...n }) => n));
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i].at - want[i].at)).toBeLessThan(1000);
  });

  test("the reload moved the firing alert to the new receiver and sent nothing twice", () => {
    expect(notified("op").map((n) => `${n.path} ${n.alerts.join(",")}`)).toEqual([
      "/old A firing",
      "/new A firing",
      "/new B firing",
    ]);
    const moved = notified("op")[1];
    expect(moved.at).toBeGreaterThanOrEqual(5000);
    expect(moved.at).toBeLessThan(6000);
  });

  test("a broken file is refused with 500 and every problem's line, as 0.25 refuses it", async () => {
    expect(reloads.am.map((r) => r.status)).toEqual([200, 200, 500]);
    expect(reloads.op.map((r) => r.status)).toEqual([200, 200, 500]);
    expect(reloads.am[2].body).toStartWith("failed to reload config: ");
    const refusal = reloads.op[2].body;
    expect(refusal).toStartWith("failed to reload config: ");
    expect(refusal).toContain(`${file("op")}:3:15: route.group_wait:`);
    expect(refusal).toContain(`${file("op")}:4:3: route: field colour not found`);
    expect(await metric("outpost_notifier_config_last_reload_successful")).toBe(0);
    const lastGood = await metric("outpost_notifier_config_last_reload_success_timestamp_seconds");
    expect(lastGood * 1000).toBeGreaterThan(start + 4000);
    expect(lastGood * 1000).toBeLessThan(start + 7000);
  });

  test("SIGHUP reloads the file: the firing alerts go to the receiver it names", async () => {
    write("op", (u) => version(u, "third"));
    const before = sink.received.length;
    process.kill(process.pid, "SIGHUP");
    const third = () => notified("op").filter((n) => n.path === "/third");
    for (let i = 0; i < 50 && third().length < 2; i++) await Bun.sleep(100);
    expect(
      third()
        .flatMap((n) => n.alerts)
        .sort(),
    ).toEqual(["A firing", "B firing"]);
    expect(await metric("outpost_notifier_config_last_reload_successful")).toBe(1);
    expect(sink.received.length).toBeGreaterThan(before);
  }, 10_000);
});
