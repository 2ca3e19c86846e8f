import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logger } from "../../shared/log/log.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { pollUntil } from "../../test/harness/poll.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { alertmanagerSetSchema, normalizeAlertmanagers } from "./config.ts";
import { AlertmanagerDiscovery } from "./discovery.ts";
import { AlertmanagerSender, BATCH_SIZE } from "./sender.ts";

/** A stand-in Alertmanager: each push's path, Authorization and alerts; `status` answers. */
function receiver(status = 200, delayMs = 0) {
  const pushes: { path: string; auth: string | null; alerts: Record<string, unknown>[] }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const alerts = (await req.json()) as Record<string, unknown>[];
      pushes.push({
        path: new URL(req.url).pathname,
        auth: req.headers.get("authorization"),
        alerts,
      });
      await Bun.sleep(delayMs);
      return new Response("", { status });
    },
  });
  return { pushes, address: `127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const alert = (i: number): NotifiedAlert => ({
  labels: labelsFromRecord({ alertname: "A", i: String(i) }),
  annotations: { summary: `alert ${i}` },
  startsAt: Date.UTC(2026, 10, 29, 1, 0, 0),
  endsAt: Date.UTC(2026, 10, 29, 1, 4, 0),
  generatorURL: "http://outpost:9090/graph?g0.expr=up",
});

function sender(yaml: object[], registry = new Registry(), capacity?: number) {
  const sets = normalizeAlertmanagers(
    yaml.map((s) => alertmanagerSetSchema.parse(s)),
    "/etc/outpost",
  );
  const s = new AlertmanagerSender(sets, registry, capacity);
  new AlertmanagerDiscovery(sets, (i, found) => s.update(i, found), logger("test"));
  return { sender: s, registry };
}

const servers: { stop(): void }[] = [];
afterAll(() => {
  for (const s of servers) s.stop();
});

describe("AlertmanagerSender", () => {
  test("pushes alerts in batches of 64 to every Alertmanager, in Alertmanager's v2 shape", async () => {
    const a = receiver();
    const b = receiver();
    servers.push(a, b);
    const { sender: s, registry } = sender([
      {
        static_configs: [{ targets: [a.address] }],
        path_prefix: "/am",
        authorization: { credentials: "tok" },
      },
      { static_configs: [{ targets: [b.address] }] },
    ]);
    s.start();
    s.send(Array.from({ length: BATCH_SIZE + 6 }, (_, i) => alert(i)));
    // Until both answered the second push: a stop cuts a push short.
    const sent = (address: string, path: string) =>
      `outpost_alertmanager_notifications_sent_total{alertmanager="http://${address}${path}"} 70`;
    await pollUntil(
      () =>
        registry.render().includes(sent(a.address, "/am/api/v2/alerts")) &&
        registry.render().includes(sent(b.address, "/api/v2/alerts")),
      "both pushes taken",
    );
    await s.stop();
    expect(a.pushes.map((p) => [p.path, p.auth, p.alerts.length])).toEqual([
      ["/am/api/v2/alerts", "Bearer tok", BATCH_SIZE],
      ["/am/api/v2/alerts", "Bearer tok", 6],
    ]);
    expect(b.pushes.map((p) => [p.path, p.auth])).toEqual([
      ["/api/v2/alerts", null],
      ["/api/v2/alerts", null],
    ]);
    expect(a.pushes[0]?.alerts[0]).toEqual({
      labels: { alertname: "A", i: "0" },
      annotations: { summary: "alert 0" },
      startsAt: "2026-11-29T01:00:00.000Z",
      endsAt: "2026-11-29T01:04:00.000Z",
      generatorURL: "http://outpost:9090/graph?g0.expr=up",
    });
    expect(registry.render()).toContain(
      `outpost_alertmanager_notifications_sent_total{alertmanager="http://${a.address}/am/api/v2/alerts"} 70`,
    );
  });

  test("a refusing or hanging Alertmanager is counted and does not stop the others", async () => {
    const good = receiver();
    const refusing = receiver(500);
    const hanging = receiver(200, 2_000);
    servers.push(good, refusing, hanging);
    const { sender: s, registry } = sender([
      { static_configs: [{ targets: [good.address, refusing.address] }] },
      { static_configs: [{ targets: [hanging.address] }], timeout: "200ms" },
    ]);
    s.start();
    s.send([alert(1), alert(2)]);
    await pollUntil(() => good.pushes.length === 1, "the good push", 5_000);
    await pollUntil(
      () => registry.render().includes(`alertmanager="http://${hanging.address}/api/v2/alerts"} 2`),
      "the hanging push counted",
      5_000,
    );
    await s.stop();
    const text = registry.render();
    expect(text).toContain(
      `outpost_alertmanager_notifications_errors_total{alertmanager="http://${refusing.address}/api/v2/alerts"} 2`,
    );
    expect(text).toContain(
      `outpost_alertmanager_notifications_errors_total{alertmanager="http://${hanging.address}/api/v2/alerts"} 2`,
    );
    expect(text).toContain("outpost_alertmanager_notifications_dropped_total 0");
  });

  test("drops the oldest alerts past the queue's capacity, and counts them", async () => {
    const a = receiver();
    servers.push(a);
    const { sender: s, registry } = sender(
      [{ static_configs: [{ targets: [a.address] }] }],
      undefined,
      3,
    );
    s.send([alert(1), alert(2), alert(3), alert(4), alert(5)]);
    s.start();
    const taken = `outpost_alertmanager_notifications_sent_total{alertmanager="http://${a.address}/api/v2/alerts"} 3`;
    await pollUntil(() => registry.render().includes(taken), "the push taken");
    await s.stop();
    expect(a.pushes[0]?.alerts.map((x) => (x.labels as Record<string, string>).i)).toEqual([
      "3",
      "4",
      "5",
    ]);
    expect(registry.render()).toContain("outpost_alertmanager_notifications_dropped_total 2");
  });
});

describe("alerting.alertmanagers", () => {
  const problem = (set: object) =>
    alertmanagerSetSchema.safeParse(set).error?.issues.map((i) => i.message) ?? [];

  test("refuses api_version v1, a URL as a target, and two kinds of credentials", () => {
    expect(problem({ api_version: "v1" })).toEqual([
      expect.stringContaining("api_version v1 is not supported"),
    ]);
    expect(problem({ static_configs: [{ targets: ["http://am:9093"] }] })).toEqual([
      "expected an Alertmanager's host:port",
    ]);
    expect(problem({ bearer_token: "a", basic_auth: { username: "u" } })).toEqual([
      "bearer_token cannot be used together with basic_auth",
    ]);
  });
});

describe("AlertmanagerSender per set", () => {
  test("relabels each set's alerts with its own alert_relabel_configs; a set left with none is not pushed", async () => {
    const a = receiver();
    const b = receiver();
    const c = receiver();
    servers.push(a, b, c);
    const { sender: s, registry } = sender([
      {
        static_configs: [{ targets: [a.address] }],
        alert_relabel_configs: [{ source_labels: ["i"], regex: "1", action: "drop" }],
      },
      {
        static_configs: [{ targets: [b.address] }],
        alert_relabel_configs: [{ target_label: "set", replacement: "b" }],
      },
      {
        static_configs: [{ targets: [c.address] }],
        alert_relabel_configs: [{ action: "labeldrop", regex: ".*" }],
      },
    ]);
    s.start();
    s.send([alert(1), alert(2)]);
    await pollUntil(() => a.pushes.length === 1 && b.pushes.length === 1, "both pushes");
    await s.stop();
    const labels = (r: typeof a) => r.pushes.flatMap((p) => p.alerts.map((x) => x.labels));
    expect(labels(a)).toEqual([{ alertname: "A", i: "2" }]);
    expect(labels(b)).toEqual([
      { alertname: "A", i: "1", set: "b" },
      { alertname: "A", i: "2", set: "b" },
    ]);
    expect(c.pushes).toEqual([]);
    const text = registry.render();
    expect(text).toContain(
      'outpost_alert_relabel_dropped_total{scope="alertmanagers[0]",reason="relabeled"} 1',
    );
    expect(text).toContain(
      'outpost_alert_relabel_dropped_total{scope="alertmanagers[2]",reason="empty"} 2',
    );
  });

  test("lists each set's Alertmanagers and those relabeled away, in the sets' order", () => {
    const { sender: s } = sender([
      {
        static_configs: [{ targets: ["am-1:9093", "am-2:9093"] }],
        relabel_configs: [{ source_labels: ["__address__"], regex: "am-2.*", action: "drop" }],
      },
      { static_configs: [{ targets: ["am-3"] }], scheme: "https", path_prefix: "/x" },
    ]);
    expect(s.alertmanagers()).toEqual({
      active: ["http://am-1:9093/api/v2/alerts", "https://am-3/x/api/v2/alerts"],
      dropped: ["http://am-2:9093/api/v2/alerts"],
    });
  });
});

test("an Alertmanager discovered after the set's CA file went away is still added: the set's TLS files are read once, when it is made", () => {
  const dir = mkdtempSync(join(tmpdir(), "am-tls-"));
  const ca = join(dir, "ca.pem");
  writeFileSync(ca, "not checked until a push\n");
  const sets = normalizeAlertmanagers(
    [alertmanagerSetSchema.parse({ scheme: "https", tls_config: { ca_file: ca } })],
    "/",
  );
  const s = new AlertmanagerSender(sets, new Registry());
  try {
    s.update(0, { active: ["https://am-1:9093/api/v2/alerts"], dropped: [] });
    rmSync(ca);
    // A file_sd change while the CA is being replaced: the update runs in discovery's timer.
    s.update(0, {
      active: ["https://am-1:9093/api/v2/alerts", "https://am-2:9093/api/v2/alerts"],
      dropped: [],
    });
    expect(s.alertmanagers().active).toEqual([
      "https://am-1:9093/api/v2/alerts",
      "https://am-2:9093/api/v2/alerts",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
