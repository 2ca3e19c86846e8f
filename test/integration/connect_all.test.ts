// biome-ignore-all lint/suspicious/noExplicitAny: proto JSON answers, read loosely
/**
 * Every method of every Connect service, four ways: the generated client over Connect JSON,
 * Connect binary and gRPC-Web, and `buf curl` (Connect; gRPC-Web for one method per service),
 * against one aggregator with authentication on (a token in a header), rules, an
 * alertmanager.yml, SLOs, and metrics and logs put in through the real ingest path. The four
 * answers of each call must be equal; Tail and WatchAlerts stream over HTTP/1.1 to all four.
 * Methods that change state act, per way, on objects named after that way (test/harness/
 * connect_ways.ts), so the ways run side by side.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AdminService } from "../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { AuthService } from "../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { QueryService } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type Sink, startSink } from "../harness/alertmanager.ts";
import { comparable, fourWays, VOLATILE, type Way } from "../harness/connect_ways.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

// Each test calls every method of a service four ways (argon2 hashing among them): on a busy
// 2-core CI machine that took over bun's default 5 s.
setDefaultTimeout(30_000);

const SERVICES = [
  QueryService,
  LogsService,
  AlertsService,
  DashboardsService,
  UptimeService,
  AuthService,
  AdminService,
];
const PASSWORD = "correct horse battery";
const MIN = 60_000;
/** Data ends on a whole minute a little before the test starts: answers do not move. */
const END = Math.floor(Date.now() / MIN) * MIN - MIN;
const START = END - 30 * MIN;
const NS = 1_000_000n;

const dir = mkdtempSync(join(tmpdir(), "outpost-connect-all-"));
let nats: NatsServerHandle;
let nc: NatsConnection;
let sink: Sink;
let aggregator: Aggregator;
let ways: Way[];

const RULES = `groups:
- name: shop
  rules:
  - alert: Always
    expr: vector(1)
    labels: {severity: page}
  - record: job:demo_requests:sum
    expr: sum by (job) (demo_requests_total)
`;
const AM = (url: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  routes:
    - matchers: ['severity="page"']
      receiver: pager
receivers:
  - name: hook
    webhook_configs: [{url: "${url}/hook"}]
  - name: pager
    webhook_configs: [{url: "${url}/pager"}]
`;
const SLO = `version: prometheus/v1
service: shop
slos:
  - name: requests
    objective: 99
    sli: {raw: {error_ratio_query: "vector(0.002) + 0 * count_over_time(vector(1)[{{.window}}:5m])"}}
    alerting: {name: ShopBurn}
`;

/** Metrics as an agent sends them: demo counters and a blackbox probe, every 15 s. */
async function publishMetrics(): Promise<void> {
  const series = [
    ...[0, 1, 2].map((i) =>
      labelsFromRecord({ __name__: "demo_requests_total", i: `${i}`, job: "api" }),
    ),
    labelsFromRecord({ __name__: "probe_success", instance: "https://shop", job: "blackbox" }),
    labelsFromRecord({
      __name__: "probe_duration_seconds",
      instance: "https://shop",
      job: "blackbox",
    }),
  ].map((labels) => ({ labels }));
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  for (let t = START; t <= END; t += 15_000) {
    block.clear();
    const minute = (t - START) / MIN;
    series.forEach((s, i) => {
      const value =
        i < 3 ? ((i + 1) * (t - START)) / 1000 : i === 3 ? (minute % 10 === 3 ? 0 : 1) : 0.25;
      block.push(s, t, value);
    });
    enc.addBlock(block);
  }
  await publishBatch(nc, compress("lz4", enc.finish()), { agent: "metrics" });
}

/** Log lines as an agent sends them: one a minute per level. */
async function publishLogs(lines: { app: string; level: string; line: string; ms: number }[]) {
  const enc = new BatchEncoder();
  for (const l of lines) {
    const labels = labelsFromRecord({ app: l.app, level: l.level });
    enc.addLog({ timeNs: BigInt(l.ms) * NS, labels, line: l.line, fields: [] });
  }
  await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs", agent: "logs" });
}

beforeAll(async () => {
  sink = startSink();
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), AM(sink.url));
  writeFileSync(join(dir, "slo.yml"), SLO);
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    `global: { evaluation_interval: 1s }
rule_files: [rules.yml]
slo_files: [slo.yml]
alerting: {config_file: am.yml}
auth: {enabled: true, login_burst: 20}
`,
  );
  const auth = aggregator.auth!;
  await auth.addUser("alice", "admin", PASSWORD);
  const token = (await auth.createToken({ name: "connect-all", owner: "alice" })).secret;
  ways = fourWays(aggregator.url, token);
  nc = await connectTo(nats.url);
  await publishMetrics();
  const lines = [];
  for (let t = START; t <= END; t += MIN) {
    lines.push({
      app: "shop",
      level: "info",
      line: `order placed minute=${(t - START) / MIN}`,
      ms: t,
    });
    lines.push({
      app: "shop",
      level: "error",
      line: `payment failed minute=${(t - START) / MIN}`,
      ms: t + 1,
    });
  }
  await publishLogs(lines);
  await waitForAllAcked(nc);
  // Until the rule's alert reached the notifier.
  for (let i = 0; i < 100; i++) {
    const listed = await ways[0].unary(AlertsService, "ListAlerts", {});
    if (JSON.stringify(listed).includes("Always")) break;
    await Bun.sleep(100);
  }
  // Until the SLO's recording rules wrote its error budget: the ways must see the same SLOs.
  for (let i = 0; i < 100; i++) {
    const slos = await ways[0].unary(AlertsService, "ListSLOs", { service: "shop" });
    if (JSON.stringify(slos).includes("errorBudgetRemaining")) break;
    await Bun.sleep(100);
  }
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await aggregator?.stop();
  await nats?.stop();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `script` four ways side by side; answers each way's results as comparable. */
async function fourTimes(
  script: (w: Way) => Promise<Record<string, any>>,
  volatile: readonly string[] = [],
): Promise<any[]> {
  const results = await Promise.all(ways.map((w) => script(w)));
  const tags = ways.map((w) => w.tag);
  const drop = new Set([...VOLATILE, ...volatile]);
  return results.map((r, i) =>
    comparable(
      r,
      ways[i],
      tags.filter((t) => t !== ways[i].tag),
      drop,
    ),
  );
}

/** Every way's answers equal the first's, which has `check`ed content. */
function expectEqual(results: any[], check: (first: any) => void): void {
  check(results[0]);
  for (let i = 1; i < results.length; i++) {
    expect({ way: ways[i].name, ...results[i] }).toEqual({ way: ways[i].name, ...results[0] });
  }
}

const q = (w: Way, method: string, req: any, grpcWeb = false) =>
  w.unary(QueryService, method, req, grpcWeb);

test("QueryService: every method answers the same four ways", async () => {
  const sel = { matchers: ['{__name__=~"demo.*"}'], startMs: `${START}`, endMs: `${END}` };
  const results = await fourTimes(async (w) => ({
    instant: await q(
      w,
      "Instant",
      { query: "sum by (i) (demo_requests_total)", timeMs: `${END}` },
      true,
    ),
    range: await q(w, "Range", {
      query: "rate(demo_requests_total[5m])",
      startMs: `${END - 10 * MIN}`,
      endMs: `${END}`,
      stepMs: "60000",
    }),
    series: await q(w, "Series", { selection: sel }),
    labelNames: await q(w, "LabelNames", { selection: sel }),
    labelValues: await q(w, "LabelValues", { name: "i", selection: sel }),
    metadata: await q(w, "Metadata", {}),
    format: await q(w, "Format", { query: "sum(rate(demo_requests_total[5m]))by(job)" }),
    explain: await q(w, "Explain", { query: "sum(demo_requests_total)", timeMs: `${END}` }),
  }));
  expectEqual(results, (r) => {
    expect(r.instant.result.vector.samples).toHaveLength(3);
    expect(r.range.result.series).toHaveLength(3);
    expect(r.labelValues.values).toEqual(["0", "1", "2"]);
    expect(r.format.formatted).toBe("sum by (job) (rate(demo_requests_total[5m]))");
    expect(JSON.stringify(r.explain)).toContain("demo_requests_total");
  });
});

const logs = (w: Way, method: string, req: any, grpcWeb = false) =>
  w.unary(LogsService, method, req, grpcWeb);

test("LogsService: every unary method answers the same four ways", async () => {
  const range = { startNs: `${BigInt(START) * NS}`, endNs: `${BigInt(END + MIN) * NS}` };
  const sel = { selector: '{app="shop"}', ...range };
  const results = await fourTimes(async (w) => ({
    query: await logs(w, "Query", { query: '{app="shop"} |= "failed"', range, limit: 5 }, true),
    metric: await logs(w, "Query", {
      query: 'sum by (level) (count_over_time({app="shop"}[10m]))',
      range: { ...range, stepNs: `${600n * 1_000_000_000n}` },
    }),
    labelNames: await logs(w, "LabelNames", { selection: sel }),
    labelValues: await logs(w, "LabelValues", { name: "level", selection: sel }),
    series: await logs(w, "Series", { selectors: ['{app="shop"}'], ...range }),
    volume: await logs(w, "Volume", {
      selector: '{app="shop"}',
      by: "level",
      range: { ...range, stepNs: `${600n * 1_000_000_000n}` },
    }),
    context: await logs(w, "Context", {
      stream: [
        { name: "app", value: "shop" },
        { name: "level", value: "info" },
      ],
      timeNs: `${BigInt(START + 10 * MIN) * NS}`,
      before: 2,
      after: 2,
    }),
  }));
  expectEqual(results, (r) => {
    expect(r.query.streams.streams[0].entries).toHaveLength(5);
    expect(r.labelValues.values).toEqual(["error", "info"]);
    expect(r.context.before).toHaveLength(2);
    expect(r.context.after).toHaveLength(2);
  });
});

test("LogsService.Tail streams history, then pushes a new line, to all four over HTTP/1.1", async () => {
  const marker = `pushed-${crypto.randomUUID()}`;
  const query = `{app="shop"} |~ "minute=29|${marker}"`;
  const lines = (msgs: any[]) =>
    msgs.flatMap((m) => (m.streams ?? []).flatMap((s: any) => s.entries.map((e: any) => e.line)));
  const tails = ways.map((w) =>
    w.stream(LogsService, "Tail", { query, startNs: `${BigInt(START) * NS}`, limit: 10 }, (msgs) =>
      lines(msgs).some((l) => l.includes(marker)),
    ),
  );
  // Every tail is open (and follows ingest) before the new line is published.
  for (let i = 0; i < 200 && aggregator.tails.size < 4; i++) await Bun.sleep(25);
  expect(aggregator.tails.size).toBe(4);
  await aggregator.tails.following();
  await publishLogs([{ app: "shop", level: "info", line: marker, ms: Date.now() }]);
  // History lines of one time come grouped by stream, in any order of the streams.
  const got = (await Promise.all(tails)).map((msgs) => lines(msgs).toSorted());
  expect(got[0]).toEqual(["order placed minute=29", "payment failed minute=29", marker].toSorted());
  for (let i = 1; i < got.length; i++)
    expect([ways[i].name, got[i]]).toEqual([ways[i].name, got[0]]);
});

const alerts = (w: Way, method: string, req: any, grpcWeb = false) =>
  w.unary(AlertsService, method, req, grpcWeb);

test("AlertsService: every method answers the same four ways", async () => {
  const results = await fourTimes(
    async (w) => {
      const spec = {
        matchers: [{ name: "alertname", value: `Silenced${w.tag}` }],
        startsAtMs: `${END}`,
        endsAtMs: `${END + 60 * MIN}`,
        createdBy: "alice",
        comment: `maintenance ${w.tag}`,
      };
      const created = await alerts(w, "CreateSilence", { silence: spec }, true);
      const id = created.silenceId;
      const got = await alerts(w, "GetSilence", { id });
      const updated = await alerts(w, "UpdateSilence", {
        id,
        silence: { ...spec, comment: `longer ${w.tag}` },
      });
      const listed = await alerts(w, "ListSilences", {
        matchers: [`alertname="Silenced${w.tag}"`],
      });
      const expired = await alerts(w, "ExpireSilence", { id: updated.silenceId });
      return {
        created,
        got,
        updated,
        listed,
        expired,
        rules: await alerts(w, "ListRules", {}),
        alerts: await alerts(w, "ListAlerts", { filter: { matchers: ['alertname="Always"'] } }),
        groups: await alerts(w, "ListAlertGroups", {
          filter: { matchers: ['alertname="Always"'] },
        }),
        history: await alerts(w, "ListHistory", { alertname: "NoSuchAlert" }),
        route: await alerts(w, "TestRoute", {
          labels: [
            { name: "alertname", value: "X" },
            { name: "severity", value: "page" },
          ],
        }),
        receiver: await alerts(w, "TestReceiver", { receiver: "hook" }),
        slos: await alerts(w, "ListSLOs", { service: "shop" }),
      };
      // A silence starts now, not in the past; expiring it ends it now.
    },
    ["startsAtMs", "endsAtMs", "latencyMs", "evaluationSeconds", "lastEvaluationMs"],
  );
  expectEqual(results, (r) => {
    expect(r.got.silence.comment).toBe("maintenance WAY");
    expect(JSON.stringify(r.rules)).toContain("Always");
    expect(JSON.stringify(r.alerts)).toContain("Always");
    expect(JSON.stringify(r.route)).toContain("pager");
    expect(JSON.stringify(r.slos)).toContain("requests");
  });
});

test("AlertsService.WatchAlerts streams its snapshot to all four over HTTP/1.1", async () => {
  const watched = await Promise.all(
    ways.map((w) =>
      w.stream(
        AlertsService,
        "WatchAlerts",
        { matchers: ['alertname="Always"'] },
        (m) => m.length >= 1,
      ),
    ),
  );
  const tags = ways.map((w) => w.tag);
  const results = watched.map((msgs, i) =>
    comparable(
      { first: msgs[0] },
      ways[i],
      tags.filter((t) => t !== ways[i].tag),
      new Set(["updatedAtMs", "startsAtMs", "endsAtMs", "fingerprint"]),
    ),
  );
  expectEqual(results, (r) => expect(JSON.stringify(r.first)).toContain("Always"));
});

const dash = (w: Way, method: string, req: any, grpcWeb = false) =>
  w.unary(DashboardsService, method, req, grpcWeb);

/** A Grafana dashboard as grafana.com serves it: a data source placeholder to fill in. */
const dashboardJson = (uid: string, title: string, inputs = false) =>
  JSON.stringify({
    uid,
    title,
    tags: ["shop"],
    ...(inputs && {
      __inputs: [
        { name: "DS_PROM", label: "Prometheus", type: "datasource", pluginId: "prometheus" },
      ],
    }),
    panels: [
      {
        id: 1,
        type: "timeseries",
        title: "Requests",
        datasource: inputs ? "${DS_PROM}" : "Outpost",
        targets: [{ expr: "sum(rate(demo_requests_total[5m]))" }],
      },
    ],
    schemaVersion: 39,
  });

test("DashboardsService: every method answers the same four ways", async () => {
  const results = await fourTimes(
    async (w) => {
      const folder = await dash(
        w,
        "CreateFolder",
        { uid: `f-${w.tag}`, title: `Shop ${w.tag}` },
        true,
      );
      const spare = await dash(w, "CreateFolder", { uid: `g-${w.tag}`, title: `Spare ${w.tag}` });
      const uid = `d-${w.tag}`;
      const saved = await dash(w, "SaveDashboard", {
        json: dashboardJson(uid, `Orders ${w.tag}`),
        folderUid: `f-${w.tag}`,
        message: "first",
      });
      const resaved = await dash(w, "SaveDashboard", {
        json: dashboardJson(uid, `Orders v2 ${w.tag}`),
        folderUid: `f-${w.tag}`,
        message: "second",
        overwrite: true,
      });
      const imported = await dash(w, "ImportDashboard", {
        json: dashboardJson(`i-${w.tag}`, `Imported ${w.tag}`, true),
        inputs: [{ name: "DS_PROM", value: "Outpost" }],
        folderUid: `f-${w.tag}`,
      });
      return {
        folder,
        spare,
        saved,
        resaved,
        imported,
        got: await dash(w, "GetDashboard", { uid }),
        search: await dash(w, "SearchDashboards", { query: w.tag }),
        folders: await dash(w, "ListFolders", {}),
        renamed: await dash(w, "RenameFolder", { uid: `f-${w.tag}`, title: `Shop! ${w.tag}` }),
        versions: await dash(w, "ListVersions", { uid }),
        version: await dash(w, "GetVersion", { uid, version: "1" }),
        restored: await dash(w, "RestoreVersion", { uid, version: "1", message: "back" }),
        exported: await dash(w, "ExportDashboard", { uid: `i-${w.tag}`, shareExternally: true }),
        deleted: await dash(w, "DeleteDashboard", { uid: `i-${w.tag}` }),
        deletedFolder: await dash(w, "DeleteFolder", { uid: `g-${w.tag}` }),
        after: await dash(w, "SearchDashboards", { query: w.tag }),
      };
    },
    ["createdMs", "updatedMs", "created", "updated", "versionId"],
  );
  expectEqual(results, (r) => {
    expect(r.search.dashboards).toHaveLength(2);
    expect(r.after.dashboards).toHaveLength(1);
    expect(r.versions.versions.length).toBeGreaterThanOrEqual(2);
    // The import filled in the placeholder; the export for sharing has the __inputs again.
    expect(r.imported.dashboard.json).not.toContain("${DS_PROM}");
    expect(r.exported.json).toContain("__inputs");
  });
});

test("UptimeService: every method answers the same four ways", async () => {
  const windows = [`${10 * MIN}`, `${30 * MIN}`];
  const target = [
    { name: "instance", value: "https://shop" },
    { name: "job", value: "blackbox" },
  ];
  const results = await fourTimes(async (w) => ({
    targets: await w.unary(
      UptimeService,
      "ListTargets",
      { windowsMs: windows, timeMs: `${END}` },
      true,
    ),
    target: await w.unary(UptimeService, "GetTarget", {
      labels: target,
      windowsMs: windows,
      timeMs: `${END}`,
      startMs: `${START}`,
      stepMs: "60000",
    }),
  }));
  expectEqual(results, (r) => {
    expect(JSON.stringify(r.targets)).toContain("https://shop");
    expect(JSON.stringify(r.target)).toContain("https://shop");
  });
});

test("AuthService: every method answers the same four ways", async () => {
  const results = await fourTimes(
    async (w) => ({
      login: await w.unary(AuthService, "Login", { user: "alice", password: PASSWORD }, true),
      whoami: await w.unary(AuthService, "WhoAmI", {}),
      logout: await w.unary(AuthService, "Logout", {}),
      // A session lasts from its login.
    }),
    ["expiresAtMs"],
  );
  expectEqual(results, (r) => {
    expect(r.whoami.principal.role).toBe("ROLE_ADMIN");
    expect(JSON.stringify(r.login)).toContain("alice");
  });
});

const admin = (w: Way, method: string, req: any, grpcWeb = false) =>
  w.unary(AdminService, method, req, grpcWeb);

test("AdminService: every method answers the same four ways", async () => {
  const results = await fourTimes(
    async (w) => {
      const name = `u-${w.tag}`;
      const created = await admin(
        w,
        "CreateUser",
        { name, role: "ROLE_VIEWER", password: PASSWORD },
        true,
      );
      const token = await admin(w, "CreateToken", {
        name: `t-${w.tag}`,
        owner: name,
        role: "ROLE_VIEWER",
      });
      return {
        created,
        token,
        role: await admin(w, "UpdateUserRole", { name, role: "ROLE_EDITOR" }),
        tenants: await admin(w, "UpdateUserTenants", { name, tenants: ["default"] }),
        reset: await admin(w, "ResetPassword", { name, password: `${PASSWORD}!` }),
        users: await admin(w, "ListUsers", {}),
        tokens: await admin(w, "ListTokens", {}),
        revoked: await admin(w, "RevokeToken", { id: token.token.id }),
        deleted: await admin(w, "DeleteUser", { name }),
      };
    },
    ["expiresAtMs"],
  );
  expectEqual(results, (r) => {
    expect(JSON.stringify(r.users)).toContain("u-WAY");
    expect(JSON.stringify(r.tokens)).toContain("t-WAY");
  });
  // The audit log is written through the stream: it holds each way's changes a moment later.
  const audit = (w: Way) => admin(w, "ListAudit", { target: `u-${w.tag}` });
  for (let i = 0; i < 100; i++) {
    const listed = await Promise.all(
      ways.map((w) => ways[0].unary(AdminService, "ListAudit", { target: `u-${w.tag}` })),
    );
    if (listed.every((l) => (l.records ?? []).length >= 4)) break;
    await Bun.sleep(100);
  }
  const audits = await fourTimes(async (w) => ({ audit: await audit(w) }), ["source", "timeMs"]);
  expectEqual(audits, (r) => expect(JSON.stringify(r.audit)).toContain("u-WAY"));
});

test("every method of every service was called all four ways", () => {
  const all = SERVICES.flatMap((s) => s.methods.map((m) => `${s.name}/${m.name}`)).toSorted();
  expect(all.length).toBeGreaterThan(50);
  for (const w of ways) expect([w.name, [...w.called].toSorted()]).toEqual([w.name, all]);
});
