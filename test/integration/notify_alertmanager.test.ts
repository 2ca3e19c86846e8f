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
import { alertmanagerApi } from "../../aggregator/notify/api/v2.ts";
import { loadAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { Notifier } from "../../aggregator/notify/notifier.ts";
import type { WebhookMessage } from "../../aggregator/notify/receivers/webhook.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import {
  type RunningAlertmanager,
  type Sink,
  startAlertmanager,
  startSink,
} from "../harness/alertmanager.ts";
import { alertmanagerYaml, SCENARIOS, type Scenario } from "./notify_scenarios.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-notify-"));
let amSink: Sink;
let opSink: Sink;
let am: RunningAlertmanager;
let notifier: Notifier;
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

/** A side's notifications of one scenario, by receiver and group key, in arrival order. */
function byGroup(sink: Sink, s: Scenario) {
  const out = new Map<string, { at: number; body: ReturnType<typeof normalize> }[]>();
  for (const r of sink.received) {
    if (!r.path.startsWith(`/${s.name}/`)) continue;
    const body = normalize(r.body as WebhookMessage);
    const key = `${r.path} ${body.groupKey}`;
    out.set(key, [...(out.get(key) ?? []), { at: r.at - start, body }]);
  }
  return out;
}

beforeAll(async () => {
  amSink = startSink();
  opSink = startSink();
  writeFileSync(join(dir, "am.yml"), alertmanagerYaml(amSink.url));
  writeFileSync(join(dir, "outpost.yml"), alertmanagerYaml(opSink.url));
  am = await startAlertmanager(join(dir, "am.yml"));
  notifier = new Notifier({
    config: await loadAlertmanagerConfig(join(dir, "outpost.yml")),
    registry: new Registry(),
    externalURL: "http://outpost.test",
  });
  notifier.start();
  opServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: alertmanagerApi(notifier).fetch });
  const op = `http://127.0.0.1:${opServer.port}`;
  start = Date.now();
  await Promise.all(SCENARIOS.map((s) => play(s, [am.url, op])));
}, 60_000);

afterAll(async () => {
  await notifier?.stop();
  opServer?.stop(true);
  await am?.stop();
  amSink?.stop();
  opSink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Posts each step's alerts to both sides at its time, then waits out the scenario. */
async function play(s: Scenario, urls: string[]): Promise<void> {
  for (const step of s.steps) {
    await Bun.sleep(Math.max(0, start + step.at - Date.now()));
    const now = new Date().toISOString();
    const body = JSON.stringify(step.alerts(now));
    await Promise.all(
      urls.map(async (url) => {
        const res = await fetch(`${url}/api/v2/alerts`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
        });
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      }),
    );
  }
  await Bun.sleep(Math.max(0, start + END - Date.now()));
}

describe("the notifier beside Alertmanager 0.25", () => {
  for (const s of SCENARIOS) {
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
