/**
 * The notifier beside Debian's Alertmanager 0.25: the same alertmanager.yml (webhook URLs
 * aside) and the same alerts POSTed to both `/api/v2/alerts`, in scenarios run in parallel
 * with short timings. Per receiver and group key, the webhook bodies must be the same (times'
 * values and externalURL aside) and arrive in the same order within a second of
 * Alertmanager's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { MemoryKeyValueStore } from "../../aggregator/ingest/kv_memory.ts";
import { silenceRoutes } from "../../aggregator/notify/api/silences.ts";
import { alertmanagerApi } from "../../aggregator/notify/api/v2.ts";
import { loadAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { Notifier } from "../../aggregator/notify/notifier.ts";
import type { WebhookMessage } from "../../aggregator/notify/receivers/webhook.ts";
import { SilenceStore } from "../../aggregator/notify/silences/store.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import {
  type RunningAlertmanager,
  type Sink,
  startAlertmanager,
  startSink,
} from "../harness/alertmanager.ts";
import { alertmanagerYaml, SCENARIOS, type Scenario, type Step } from "./notify_scenarios.ts";
import { MORE_SCENARIOS } from "./notify_scenarios_more.ts";

const ALL = [...SCENARIOS, ...MORE_SCENARIOS];

const dir = mkdtempSync(join(tmpdir(), "outpost-notify-"));
let amSink: Sink;
let opSink: Sink;
let am: RunningAlertmanager;
let notifier: Notifier;
let silences: SilenceStore;
/** Each scenario's silence id on each side, by `<scenario> <url>`. */
const silenceIds = new Map<string, string>();
let opServer: ReturnType<typeof Bun.serve>;
let start = 0;
/**
 * When both sides stop being watched, ms after the start: a whole second from the flushes,
 * which land just after odd seconds (group_wait 1s, group_interval 2s).
 */
const END = 12_000;

/** A notification as compared: times' values and externalURL left out. */
function normalize(body: WebhookMessage) {
  return {
    groupKey: body.groupKey,
    status: body.status,
    receiver: body.receiver,
    groupLabels: body.groupLabels,
    commonLabels: body.commonLabels,
    commonAnnotations: body.commonAnnotations,
    truncatedAlerts: body.truncatedAlerts,
    version: body.version,
    alerts: body.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      fingerprint: a.fingerprint,
      generatorURL: a.generatorURL,
      unresolved: a.endsAt === "0001-01-01T00:00:00Z",
    })),
  };
}

/**
 * A side's notifications of one scenario up to END, by receiver and group key, in arrival
 * order. Later ones are left out on both sides: the tests run after END while both sides
 * still flush, so without the cut a flush due just after END counted on whichever side the
 * test happened to read after it.
 */
function byGroup(sink: Sink, s: Scenario) {
  const out = new Map<string, { at: number; body: ReturnType<typeof normalize> }[]>();
  for (const r of sink.received) {
    if (!r.path.startsWith(`/${s.name}/`) || r.at - start > END) continue;
    const body = normalize(r.body as WebhookMessage);
    const key = `${r.path} ${body.groupKey}`;
    out.set(key, [...(out.get(key) ?? []), { at: r.at - start, body }]);
  }
  return out;
}

beforeAll(async () => {
  amSink = startSink();
  opSink = startSink();
  writeFileSync(join(dir, "am.yml"), alertmanagerYaml(amSink.url, ALL));
  writeFileSync(join(dir, "outpost.yml"), alertmanagerYaml(opSink.url, ALL));
  am = await startAlertmanager(join(dir, "am.yml"));
  silences = new SilenceStore({ kv: new MemoryKeyValueStore() });
  await silences.start();
  notifier = new Notifier({
    config: await loadAlertmanagerConfig(join(dir, "outpost.yml")),
    registry: new Registry(),
    externalURL: "http://outpost.test",
    silenced: (labels, at) => silences.isSilenced(labels, at),
  });
  await notifier.start();
  const app = new Hono();
  app.route("/", alertmanagerApi(notifier));
  app.route("/", silenceRoutes(silences));
  opServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const op = `http://127.0.0.1:${opServer.port}`;
  start = Date.now();
  await Promise.all(ALL.map((s) => play(s, [am.url, op])));
}, 60_000);

afterAll(async () => {
  await notifier?.stop();
  silences?.stop();
  opServer?.stop(true);
  await am?.stop();
  amSink?.stop();
  opSink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Does each step on both sides at its time, then waits out the scenario. */
async function play(s: Scenario, urls: string[]): Promise<void> {
  for (const step of s.steps) {
    await Bun.sleep(Math.max(0, start + step.at - Date.now()));
    const now = new Date().toISOString();
    await Promise.all(urls.map((url) => act(s, step, url, now)));
  }
  await Bun.sleep(Math.max(0, start + END - Date.now()));
}

/** One step on one side: alerts posted, the scenario's silence made or expired. */
async function act(s: Scenario, step: Step, url: string, now: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${url}${path}: ${res.status} ${await res.text()}`);
    return res.text();
  };
  if (step.alerts) await call("POST", "/api/v2/alerts", step.alerts(now));
  if (step.silence) {
    const matchers = step.silence.map((m) => {
      const [, name, op, value] = /^(\w+)(=~|=)"?([^"]*)"?$/.exec(m) ?? [];
      return { name, value, isRegex: op === "=~", isEqual: true };
    });
    const end = new Date(Date.now() + 3600_000).toISOString();
    const body = { matchers, startsAt: now, endsAt: end, createdBy: "test", comment: s.name };
    const { silenceID } = JSON.parse(await call("POST", "/api/v2/silences", body));
    silenceIds.set(`${s.name} ${url}`, silenceID);
  }
  if (step.expire) await call("DELETE", `/api/v2/silence/${silenceIds.get(`${s.name} ${url}`)}`);
}

describe("the notifier beside Alertmanager 0.25", () => {
  for (const s of ALL) {
    test(`${s.name}: ${s.title}`, () => {
      const want = byGroup(amSink, s);
      const got = byGroup(opSink, s);
      if (process.env.NOTIFY_DEBUG)
        for (const [side, m] of [
          ["am", want],
          ["op", got],
        ] as const)
          for (const [k, v] of m)
            console.log(
              s.name,
              side,
              k,
              v
                .map(
                  (n) =>
                    `${n.at}:${n.body.alerts.map((a) => a.labels.alertname + a.status[0]).join(",")}`,
                )
                .join(" "),
            );
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      expect(want.size > 0).toBe(s.expectNotifications);
      for (const [key, notes] of want) {
        const mine = got.get(key) ?? [];
        expect(mine.map((n) => n.body)).toEqual(notes.map((n) => n.body));
        for (let i = 0; i < notes.length; i++) {
          expect(Math.abs(mine[i].at - notes[i].at)).toBeLessThan(1000);
        }
      }
      s.check?.(byGroup(amSink, s));
    });
  }
});
