import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../shared/metrics/registry.ts";
import { labelsFromRecord, labelsToMap } from "../../shared/model/labels.ts";
import { pollUntil } from "../../test/harness/poll.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { alertmanagerSetSchema } from "./config.ts";
import { AlertmanagerDiscovery } from "./discovery.ts";
import { OutboundAlerts, type OutboundConfig } from "./outbound.ts";

/** A stand-in Alertmanager recording the labels of the alerts pushed to it. */
function receiver() {
  const labels: Record<string, string>[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      for (const a of (await req.json()) as { labels: Record<string, string> }[])
        labels.push(a.labels);
      return new Response("");
    },
  });
  return { labels, address: `127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const labelsToRecord = (labels: NotifiedAlert["labels"]) => Object.fromEntries(labelsToMap(labels));

const a = receiver();
const b = receiver();
afterAll(() => {
  a.stop();
  b.stop();
});

const config = (address: string, team: string): OutboundConfig => ({
  alertmanagers: [alertmanagerSetSchema.parse({ static_configs: [{ targets: [address] }] })],
  alert_relabel_configs: [{ ...RELABEL, replacement: team }],
});
const RELABEL = {
  source_labels: [],
  separator: ";",
  regex: "(.*)",
  modulus: 0,
  target_label: "team",
  replacement: "",
  action: "replace" as const,
};

const alert = (name: string): NotifiedAlert => ({
  labels: labelsFromRecord({ alertname: name }),
  annotations: {},
  startsAt: Date.UTC(2026, 10, 29, 1, 0, 0),
  endsAt: Date.UTC(2026, 10, 29, 1, 4, 0),
  generatorURL: "http://outpost:9090/graph?g0.expr=up",
});

test("apply() puts a reloaded section in force and hands the queued alerts to the new Alertmanagers", async () => {
  const outbound = new OutboundAlerts(config(a.address, "one"), "/etc/outpost", new Registry());
  try {
    const relabeled = outbound.relabel([alert("Early")]);
    expect(relabeled.map((x) => labelsToRecord(x.labels))).toEqual([
      { alertname: "Early", team: "one" },
    ]);
    // Queued before the start: still waiting when the reload comes.
    outbound.send(relabeled);
    expect(await outbound.apply(config(b.address, "two"))).toBe(true);
    expect(await outbound.apply(config(b.address, "two"))).toBe(false);
    // The aggregator hands over its whole alerting section: the rest is not this class's.
    const whole = { ...config(b.address, "two"), config_file: "alertmanager.yml" };
    expect(await outbound.apply(whole as OutboundConfig)).toBe(false);
    expect(outbound.alertmanagers().active).toEqual([`http://${b.address}/api/v2/alerts`]);
    outbound.start();
    outbound.send(outbound.relabel([alert("Late")]));
    await pollUntil(() => b.labels.length === 2, "both alerts at the new Alertmanager");
    expect(b.labels).toEqual([
      { alertname: "Early", team: "one" },
      { alertname: "Late", team: "two" },
    ]);
    expect(a.labels).toEqual([]);
  } finally {
    await outbound.stop();
  }
});

test("apply() of a section without Alertmanagers stops the pushes", async () => {
  const outbound = new OutboundAlerts(config(a.address, "one"), "/etc/outpost", new Registry());
  outbound.start();
  try {
    expect(await outbound.apply({ alertmanagers: [], alert_relabel_configs: [] })).toBe(true);
    expect(outbound.alertmanagers()).toEqual({ active: [], dropped: [] });
    expect(outbound.relabel([alert("Plain")]).map((x) => labelsToRecord(x.labels))).toEqual([
      { alertname: "Plain" },
    ]);
  } finally {
    await outbound.stop();
  }
});

test("apply() calls that overlap (SIGHUP beside /-/reload) leave one set of parts running, and alerts sent meanwhile reach the new Alertmanagers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outbound-"));
  writeFileSync(join(dir, "am.yml"), `- targets: ["${b.address}"]\n`);
  const fileSd = (team: string): OutboundConfig => ({
    alertmanagers: [
      alertmanagerSetSchema.parse({ file_sd_configs: [{ files: [join(dir, "*.yml")] }] }),
    ],
    alert_relabel_configs: [{ ...RELABEL, replacement: team }],
  });
  // Discoveries started and not stopped: each polls its files until stopped.
  const live = new Set<AlertmanagerDiscovery>();
  const { start, stop } = AlertmanagerDiscovery.prototype;
  AlertmanagerDiscovery.prototype.start = function (this: AlertmanagerDiscovery) {
    live.add(this);
    start.call(this);
  };
  AlertmanagerDiscovery.prototype.stop = function (this: AlertmanagerDiscovery) {
    live.delete(this);
    stop.call(this);
  };
  const outbound = new OutboundAlerts(config(a.address, "one"), "/etc/outpost", new Registry());
  try {
    outbound.start();
    const first = outbound.apply(fileSd("two"));
    const second = outbound.apply(fileSd("three"));
    outbound.send(outbound.relabel([alert("During")]));
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(live.size).toBe(1);
    await pollUntil(
      () => b.labels.some((l) => l.alertname === "During"),
      "the alert sent during the reload at the new Alertmanager",
    );
    await outbound.stop();
    expect(live.size).toBe(0);
  } finally {
    AlertmanagerDiscovery.prototype.start = start;
    AlertmanagerDiscovery.prototype.stop = stop;
    await outbound.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a push under way when a reload replaces its Alertmanagers completes, as Prometheus's does, and stop() cuts the next short", async () => {
  let arrived = 0;
  const slow = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      await req.text();
      arrived++;
      await Bun.sleep(300);
      return new Response("");
    },
  });
  const url = `http://127.0.0.1:${slow.port}/api/v2/alerts`;
  const registry = new Registry();
  const outbound = new OutboundAlerts(config(`127.0.0.1:${slow.port}`, "one"), "/etc", registry);
  try {
    outbound.start();
    outbound.send(outbound.relabel([alert("InFlight")]));
    await pollUntil(() => arrived === 1, "the push at the slow Alertmanager");
    expect(await outbound.apply(config(b.address, "two"))).toBe(true);
    await pollUntil(
      () =>
        registry
          .render()
          .includes(`outpost_alertmanager_notifications_sent_total{alertmanager="${url}"} 1`),
      "the push under way counted as sent",
    );
    expect(registry.render()).toContain("outpost_alertmanager_notifications_dropped_total 0");
    // Retired senders are stopped with the rest: a push under way then is cut short.
    expect(await outbound.apply(config(`127.0.0.1:${slow.port}`, "three"))).toBe(true);
    outbound.send(outbound.relabel([alert("Cut")]));
    await pollUntil(() => arrived === 2, "the second push at the slow Alertmanager");
    expect(await outbound.apply(config(b.address, "four"))).toBe(true);
    await outbound.stop();
    // Had it completed, the slow Alertmanager's count would be 2 by now.
    await Bun.sleep(400);
    expect(registry.render()).toContain(
      `outpost_alertmanager_notifications_sent_total{alertmanager="${url}"} 1`,
    );
  } finally {
    await outbound.stop();
    slow.stop(true);
  }
});

test("a reload that comes while stop() runs does not leave the replaced set's push under way going", async () => {
  let arrived = 0;
  let cut = false;
  const slow = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      arrived++;
      req.signal.addEventListener("abort", () => {
        cut = true;
      });
      await Bun.sleep(3_000);
      return new Response("");
    },
  });
  const outbound = new OutboundAlerts(
    config(`127.0.0.1:${slow.port}`, "one"),
    "/etc",
    new Registry(),
  );
  try {
    outbound.start();
    outbound.send(outbound.relabel([alert("DuringStop")]));
    await pollUntil(() => arrived === 1, "the push at the slow Alertmanager");
    // An operator's /-/reload during the aggregator's stop.
    const stopped = outbound.stop();
    expect(await outbound.apply(config(b.address, "two"))).toBe(true);
    await stopped;
    await pollUntil(() => cut, "the push cut short by the stop");
  } finally {
    await outbound.stop();
    slow.stop(true);
  }
});
