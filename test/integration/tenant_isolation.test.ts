/**
 * Tenant isolation on one aggregator with authentication on, a real nats-server and the real
 * ingest path: tenants A and B publish the same metric names, label names and log streams
 * (B also has names of its own). A token for A alone must see nothing of B through every read
 * surface — the Prometheus, Loki and Alertmanager APIs, the live tails and every Connect
 * service — with no header, with `X-Scope-OrgID: b` and with `a|b` (both refused); a token
 * for A and B with `a|b` sees both, each series labelled `__tenant_id__`. A and B each have a
 * rule file and an alertmanager.yml of their own, with the same alert names: A's token sees
 * only A's rules, alerts, groups, silences, history and audit; each tenant's alert reaches its
 * own webhook only; a silence in A mutes nothing of B's. The suite counts the surfaces it
 * checked and prints "0 leaks over N surfaces".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { transportWithHeaders } from "../harness/connect_headers.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type Sink, startSink } from "../harness/notify_sink.ts";

/** What only tenant B has: none of it may reach A's token. */
const B_MARKERS = ["b-host", "bonly", "tenant-b-line", "b-secret", "B-dashboard"];
const PASSWORD = "correct horse battery";
const NOW = Date.now();

let nats: NatsServerHandle;
let nc: NatsConnection;
let dir: string;
let agg: Aggregator;
let sink: Sink;
const tok = { a: "", ab: "", adminA: "", admin: "" };

/** Publishes a tenant's metrics through JetStream as its agent would. */
async function publishMetrics(tenant: string, series: Record<string, string>[]): Promise<void> {
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  for (const ts of [NOW - 60_000, NOW - 30_000, NOW - 5_000]) {
    block.clear();
    for (const labels of series) block.push({ labels: labelsFromRecord(labels) }, ts, 1);
    enc.addBlock(block);
  }
  await publishBatch(nc, compress("lz4", enc.finish()), { tenant, agent: `agent-${tenant}` });
}

/** Publishes log lines of a tenant; `at` in ns. */
async function publishLogs(tenant: string, streams: Record<string, string>[], at: bigint) {
  const enc = new BatchEncoder();
  for (const [i, s] of streams.entries())
    enc.addLog({
      timeNs: at + BigInt(i),
      labels: labelsFromRecord(s),
      line: `tenant-${tenant}-line level=info n=${i}`,
      fields: [],
    });
  await publishBatch(nc, compress("lz4", enc.finish()), {
    tenant,
    signal: "logs",
    agent: `agent-${tenant}`,
  });
}

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-tenants-"));
  writeFileSync(
    join(dir, "alertmanager.yml"),
    "route: {receiver: none}\nreceivers: [{name: none}]\n",
  );
  sink = startSink();
  writeTenantAlerting(dir, "a", "a-team");
  writeTenantAlerting(dir, "b", "b-secret");
  agg = await startInProcessAggregator(
    dir,
    nats.url,
    [
      "alerting: {config_file: alertmanager.yml}",
      "auth: {enabled: true}",
      "global: {evaluation_interval: 1s}",
      "tenants:",
      "  a:",
      "    rule_files: [a.rules.yml]",
      "    alerting: {config_file: a.am.yml}",
      '    slo_probes: [{probe: "https://a.example", objective: 99}]',
      "  b:",
      "    rule_files: [b.rules.yml]",
      "    alerting: {config_file: b.am.yml}",
      '    slo_probes: [{probe: "https://b-secret.example", objective: 99}]',
      "",
    ].join("\n"),
  );
  nc = await connectTo(nats.url);
  const store = agg.auth!;
  await store.addUser("alice", "editor", PASSWORD, ["a"]);
  await store.addUser("bob", "editor", PASSWORD, ["a", "b"]);
  await store.addUser("carol", "admin", PASSWORD, ["a"]);
  await store.addUser("root", "admin", PASSWORD, ["*"]);
  tok.a = (await store.createToken({ name: "a", owner: "alice" })).secret;
  tok.ab = (await store.createToken({ name: "ab", owner: "bob" })).secret;
  tok.adminA = (await store.createToken({ name: "admin-a", owner: "carol" })).secret;
  tok.admin = (await store.createToken({ name: "root", owner: "root" })).secret;
  // The same metric and label names in both tenants; B has names of its own too.
  await publishMetrics("a", [
    { __name__: "http_requests_total", job: "api", instance: "a-host" },
    { __name__: "probe_success", job: "probe", instance: "https://a.example" },
  ]);
  await publishMetrics("b", [
    { __name__: "http_requests_total", job: "api", instance: "b-host" },
    { __name__: "http_requests_total", job: "api", instance: "b-host", bonly_label: "x" },
    { __name__: "bonly_metric_total", job: "api", instance: "b-host" },
    { __name__: "probe_success", job: "probe", instance: "https://b-secret.example" },
  ]);
  const at = BigInt(NOW - 20_000) * 1_000_000n;
  await publishLogs("a", [{ app: "api", instance: "a-host" }], at);
  await publishLogs(
    "b",
    [
      { app: "api", instance: "b-host" },
      { app: "api", bonly: "x" },
    ],
    at,
  );
  await waitForAllAcked(nc);
  // A dashboard of B's, saved by the A|B editor acting for B.
  const saved = await connect("DashboardsService/SaveDashboard", tok.ab, "b", {
    json: JSON.stringify({ title: "B-dashboard-secret", uid: "bdash" }),
  });
  expect(saved.status).toBe(200);
  // Rule groups uploaded through the ruler API: B's by the A|B editor acting for B.
  for (const [token, tenant, name] of [
    [tok.a, undefined, "a-team-group"],
    [tok.ab, "b", "b-secret-group"],
  ] as const) {
    const r = await fetch(`${agg.url}/prometheus/config/v1/rules/uploaded`, {
      method: "POST",
      headers: headers(token, tenant),
      // An alert that never fires: it adds no series to the tenant's count above.
      body: `name: ${name}\nrules:\n  - alert: Never\n    expr: vector(1) > 2\n`,
    });
    expect(r.status).toBe(202);
  }
  // A's silence names no team: were silences shared, it would mute B's ApiUp too.
  expect((await silence(tok.a, undefined, "a-team", "ApiUp")).status).toBe(200);
  // B's silence, made by the A|B editor acting for B; A's token must not see or expire it.
  const bSilence = await silence(tok.ab, "b", "b-secret", "ApiSeen");
  expect(bSilence.status).toBe(200);
  silenceOfB = JSON.parse(bSilence.text.slice(bSilence.text.indexOf("\n{") + 1)).silenceID;
  await until(async () => (await http("/api/v1/alerts/history", tok.a)).text.includes("a-team"));
  // Audit records reach the log store through JetStream, like the history: wait for A's too.
  await until(async () =>
    (await connect("AdminService/ListAudit", tok.adminA, undefined, {})).text.includes(
      "silence.create",
    ),
  );
}, 60_000);

let silenceOfB = "";

/** A rule file and an alertmanager.yml for `tenant`: the same alert name in every tenant. */
function writeTenantAlerting(dir: string, tenant: string, team: string): void {
  writeFileSync(
    join(dir, `${tenant}.rules.yml`),
    [
      "groups:",
      "  - name: api",
      "    rules:",
      "      - alert: ApiUp",
      "        expr: http_requests_total > 0",
      `        labels: {team: ${team}}`,
      "      - alert: ApiSeen",
      "        expr: http_requests_total > 0",
      `        labels: {team: ${team}}`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, `${tenant}.am.yml`),
    [
      `route: {receiver: ${team}-hook, group_wait: 100ms, group_interval: 1s}`,
      `receivers: [{name: ${team}-hook, webhook_configs: [{url: "${sink.url}/${team}"}]}]`,
      "",
    ].join("\n"),
  );
}

/** Creates a silence of `alertname` (B's: of B's team) through Alertmanager's API v2. */
async function silence(token: string, tenant: string | undefined, team: string, alertname: string) {
  const body = {
    matchers: [
      { name: "alertname", value: alertname, isRegex: false },
      ...(tenant === "b" ? [{ name: "team", value: team, isRegex: false }] : []),
    ],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: "tenant-test",
    comment: `silence of ${team}`,
  };
  const r = await fetch(`${agg.url}/api/v2/silences`, {
    method: "POST",
    headers: headers(token, tenant, true),
    body: JSON.stringify(body),
  });
  return answer(r);
}

/** Waits (up to 20 s) until `ready` holds. */
async function until(ready: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error("Cannot wait any longer: the condition never held");
    await Bun.sleep(100);
  }
}

afterAll(async () => {
  await nc?.close();
  await agg?.stop();
  sink?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** A Connect transport sending `token` (and `X-Scope-OrgID: tenant`). */
function transportWith(token: string, tenant?: string) {
  return transportWithHeaders(agg.url, headers(token, tenant));
}

const alertsClient = (token: string, tenant?: string) =>
  createClient(AlertsService, transportWith(token, tenant));

function headers(token: string, tenant?: string, json = false): Record<string, string> {
  const h: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (tenant !== undefined) h["X-Scope-OrgID"] = tenant;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

async function answer(r: Response): Promise<Answer> {
  const head = [...r.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
  return { status: r.status, text: `${head}\n${await r.text()}` };
}

async function http(path: string, token: string, tenant?: string): Promise<Answer> {
  return answer(await fetch(agg.url + path, { headers: headers(token, tenant) }));
}

async function connect(proc: string, token: string, tenant: string | undefined, body: unknown) {
  const r = await fetch(
    `${agg.url}/outpost.${proc.split("Service")[0]!.toLowerCase()}.v1.${proc}`,
    {
      method: "POST",
      headers: headers(token, tenant, true),
      body: JSON.stringify(body),
    },
  );
  return answer(r);
}

const q = (p: Record<string, string>) => new URLSearchParams(p).toString();
const nowS = String(Math.floor(NOW / 1000));
const hourAgoS = String(Math.floor(NOW / 1000) - 3600);
const startNs = String(BigInt(NOW - 3_600_000) * 1_000_000n);
const endNs = String(BigInt(NOW + 1000) * 1_000_000n);
const range = { startMs: String(NOW - 3_600_000), endMs: String(NOW), stepMs: "15000" };
const logRange = { startNs, endNs };

/**
 * Every read surface: its name, the request, and what A's own answer must show (so that an
 * empty answer cannot pass) or "refused" for the surfaces kept for the default tenant.
 */
type Surface = [
  name: string,
  request: (token: string, tenant?: string) => Promise<Answer>,
  own: string | "refused",
];
const SURFACES: Surface[] = [
  // Prometheus API
  [
    "prom query",
    (t, o) => http(`/api/v1/query?${q({ query: "http_requests_total" })}`, t, o),
    "a-host",
  ],
  [
    "prom query of every series",
    // A's own series; its ALERTS and SLO series are A's too, and left out of the count.
    (t, o) =>
      http(
        `/api/v1/query?${q({ query: 'count({__name__=~".+", __name__!~"ALERTS.*", sloth_id=""})' })}`,
        t,
        o,
      ),
    '"2"',
  ],
  [
    "prom query_range",
    (t, o) =>
      http(
        `/api/v1/query_range?${q({ query: "http_requests_total", start: hourAgoS, end: nowS, step: "60" })}`,
        t,
        o,
      ),
    "a-host",
  ],
  [
    "prom series",
    (t, o) => http(`/api/v1/series?${q({ "match[]": '{job=~".+"}' })}`, t, o),
    "a-host",
  ],
  ["prom labels", (t, o) => http("/api/v1/labels", t, o), "instance"],
  ["prom federate", (t, o) => http(`/federate?${q({ "match[]": '{job=~".+"}' })}`, t, o), "a-host"],
  ["prom label values (instance)", (t, o) => http("/api/v1/label/instance/values", t, o), "a-host"],
  [
    "prom label values (__name__)",
    (t, o) => http("/api/v1/label/__name__/values", t, o),
    "probe_success",
  ],
  ["prom metadata", (t, o) => http("/api/v1/metadata", t, o), '"status":"success"'],
  [
    "prom exemplars",
    (t, o) =>
      http(
        `/api/v1/query_exemplars?${q({ query: "http_requests_total", start: hourAgoS, end: nowS })}`,
        t,
        o,
      ),
    '"status":"success"',
  ],
  ["prom rules", (t, o) => http("/api/v1/rules", t, o), "a-team"],
  ["ruler rules", (t, o) => http("/prometheus/config/v1/rules", t, o), "a-team-group"],
  ["ruler namespace", (t, o) => http("/prometheus/config/v1/rules/uploaded", t, o), "a-team-group"],
  ["prom alerts", (t, o) => http("/api/v1/alerts", t, o), "a-team"],
  ["alert history", (t, o) => http("/api/v1/alerts/history", t, o), "a-team"],
  // Loki API
  [
    "loki query_range",
    (t, o) =>
      http(
        `/loki/api/v1/query_range?${q({ query: '{app="api"}', start: startNs, end: endNs })}`,
        t,
        o,
      ),
    "tenant-a-line",
  ],
  [
    "loki query (metric)",
    (t, o) =>
      http(
        `/loki/api/v1/query?${q({ query: 'count_over_time({app="api"}[1h])', time: endNs })}`,
        t,
        o,
      ),
    "a-host",
  ],
  [
    "loki labels",
    (t, o) => http(`/loki/api/v1/labels?${q({ start: startNs, end: endNs })}`, t, o),
    "instance",
  ],
  [
    "loki label values",
    (t, o) => http(`/loki/api/v1/label/instance/values?${q({ start: startNs, end: endNs })}`, t, o),
    "a-host",
  ],
  [
    "loki series",
    (t, o) =>
      http(
        `/loki/api/v1/series?${q({ "match[]": '{app="api"}', start: startNs, end: endNs })}`,
        t,
        o,
      ),
    "a-host",
  ],
  [
    "loki index/stats",
    (t, o) =>
      http(
        `/loki/api/v1/index/stats?${q({ query: '{app="api"}', start: startNs, end: endNs })}`,
        t,
        o,
      ),
    '"streams":1',
  ],
  // Alertmanager API
  ["am alerts", (t, o) => http("/api/v2/alerts", t, o), "a-team"],
  ["am alert groups", (t, o) => http("/api/v2/alerts/groups", t, o), "a-team"],
  ["am silences", (t, o) => http("/api/v2/silences", t, o), "silence of a-team"],
  ["am receivers", (t, o) => http("/api/v2/receivers", t, o), "a-team-hook"],
  ["am status", (t, o) => http("/api/v2/status", t, o), "a-team-hook"],
  // Connect: query
  [
    "QueryService/Instant",
    (t, o) => connect("QueryService/Instant", t, o, { query: "http_requests_total" }),
    "a-host",
  ],
  [
    "QueryService/Range",
    (t, o) => connect("QueryService/Range", t, o, { query: "http_requests_total", ...range }),
    "a-host",
  ],
  [
    "QueryService/Series",
    (t, o) => connect("QueryService/Series", t, o, { selection: { matchers: ['{job=~".+"}'] } }),
    "a-host",
  ],
  ["QueryService/LabelNames", (t, o) => connect("QueryService/LabelNames", t, o, {}), "instance"],
  [
    "QueryService/LabelValues",
    (t, o) => connect("QueryService/LabelValues", t, o, { name: "instance" }),
    "a-host",
  ],
  ["QueryService/Metadata", (t, o) => connect("QueryService/Metadata", t, o, {}), "{"],
  [
    "QueryService/Explain",
    (t, o) => connect("QueryService/Explain", t, o, { query: 'count({__name__=~".+"})' }),
    "root",
  ],
  // Connect: logs
  [
    "LogsService/Query",
    (t, o) =>
      connect("LogsService/Query", t, o, {
        query: '{app="api"}',
        range: { ...logRange, stepNs: "0" },
      }),
    "tenant-a-line",
  ],
  [
    "LogsService/LabelNames",
    (t, o) => connect("LogsService/LabelNames", t, o, { selection: logRange }),
    "instance",
  ],
  [
    "LogsService/LabelValues",
    (t, o) => connect("LogsService/LabelValues", t, o, { name: "instance", selection: logRange }),
    "a-host",
  ],
  [
    "LogsService/Series",
    (t, o) => connect("LogsService/Series", t, o, { selectors: ['{app="api"}'], ...logRange }),
    "a-host",
  ],
  [
    "LogsService/Volume",
    (t, o) =>
      connect("LogsService/Volume", t, o, {
        selector: '{app="api"}',
        by: "instance",
        range: logRange,
      }),
    "a-host",
  ],
  // Connect: alerts, uptime, dashboards, audit
  ["AlertsService/ListRules", (t, o) => connect("AlertsService/ListRules", t, o, {}), "a-team"],
  ["AlertsService/ListAlerts", (t, o) => connect("AlertsService/ListAlerts", t, o, {}), "a-team"],
  [
    "AlertsService/ListAlertGroups",
    (t, o) => connect("AlertsService/ListAlertGroups", t, o, {}),
    "a-team",
  ],
  [
    "AlertsService/ListSilences",
    (t, o) => connect("AlertsService/ListSilences", t, o, {}),
    "silence of a-team",
  ],
  ["AlertsService/ListHistory", (t, o) => connect("AlertsService/ListHistory", t, o, {}), "a-team"],
  ["AlertsService/ListSLOs", (t, o) => connect("AlertsService/ListSLOs", t, o, {}), "a.example"],
  [
    "AlertsService/TestRoute",
    (t, o) =>
      connect("AlertsService/TestRoute", t, o, { labels: [{ name: "alertname", value: "ApiUp" }] }),
    "a-team-hook",
  ],
  [
    "AlertsService/GetSilence (B's id)",
    (t, o) => connect("AlertsService/GetSilence", t, o, { id: silenceOfB }),
    "not_found",
  ],
  [
    "AdminService/ListAudit (A's admin)",
    (_t, o) => connect("AdminService/ListAudit", tok.adminA, o, {}),
    "silence.create",
  ],
  [
    "UptimeService/ListTargets",
    (t, o) => connect("UptimeService/ListTargets", t, o, {}),
    "a.example",
  ],
  [
    "DashboardsService/SearchDashboards",
    (t, o) => connect("DashboardsService/SearchDashboards", t, o, {}),
    "{",
  ],
  [
    "DashboardsService/GetDashboard (B's uid)",
    (t, o) => connect("DashboardsService/GetDashboard", t, o, { uid: "bdash" }),
    "not_found",
  ],
];

const leaks: string[] = [];
let checked = 0;

/** Records a leak when the answer names anything of B's. */
function noB(surface: string, variant: string, a: Answer): void {
  for (const m of B_MARKERS)
    if (a.text.includes(m)) leaks.push(`${surface} (${variant}) shows ${JSON.stringify(m)}`);
}

describe("A's token", () => {
  test.each(SURFACES)("sees only A through %s", async (name, request, own) => {
    const mine = await request(tok.a);
    noB(name, "no header", mine);
    if (own === "refused") expect(mine.status).toBe(403);
    else {
      expect(mine.status).toBeLessThan(500);
      expect(mine.text).toContain(own);
    }
    for (const header of ["b", "a|b", "B", "nosuch"]) {
      const other = await request(tok.a, header);
      noB(name, header, other);
      if (other.status < 400) leaks.push(`${name} answered ${other.status} for ${header}`);
    }
    checked++;
    expect(leaks).toEqual([]);
  });

  test("is refused B in words that do not tell whether B exists", async () => {
    const b = await http("/api/v1/labels", tok.a, "b");
    const none = await http("/api/v1/labels", tok.a, "nosuch");
    expect([b.status, none.status]).toEqual([403, 403]);
    expect(b.text.split("\n").at(-2)).toBe(none.text.split("\n").at(-2));
  });

  test("sees only A's lines through Loki's tail WebSocket", async () => {
    const url = `${agg.url.replace("http", "ws")}/loki/api/v1/tail?${q({ query: '{app="api"}' })}`;
    const ws = new WebSocket(url, { headers: headers(tok.a) } as never);
    const got: string[] = [];
    await new Promise((r) => ws.addEventListener("open", r));
    ws.addEventListener("message", (e) => got.push(String(e.data)));
    const at = BigInt(Date.now()) * 1_000_000n;
    await publishLogs("b", [{ app: "api", instance: "b-host" }], at);
    await publishLogs("a", [{ app: "api", instance: "a-host" }], at + 1n);
    const deadline = Date.now() + 10_000;
    while (!got.join("").includes(`"${at + 1n}"`) && Date.now() < deadline) await Bun.sleep(50);
    ws.close();
    expect(got.join("")).toContain(`"${at + 1n}"`);
    noB("loki tail", "no header", { status: 101, text: got.join("\n") });
    checked++;
    expect(leaks).toEqual([]);
  }, 20_000);

  test("sees only A's lines through LogsService/Tail", async () => {
    const client = createClient(LogsService, transportWith(tok.a));
    const abort = new AbortController();
    const at = BigInt(Date.now()) * 1_000_000n;
    const seen: string[] = [];
    const reading = (async () => {
      try {
        for await (const m of client.tail(
          { query: '{app="api"}', startNs: at },
          { signal: abort.signal },
        )) {
          seen.push(JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
          if (seen.join("").includes("tenant-a-line")) break;
        }
      } catch (err) {
        // Aborted at the deadline, or refused: either fails the expectation below.
        seen.push(String(err));
      }
    })();
    await Bun.sleep(300);
    await publishLogs("b", [{ app: "api", bonly: "x" }], at + 10n);
    await publishLogs("a", [{ app: "api", instance: "a-host" }], at + 20n);
    const timer = setTimeout(() => abort.abort(), 10_000);
    await reading;
    clearTimeout(timer);
    expect(seen.join("")).toContain("tenant-a-line");
    noB("LogsService/Tail", "no header", { status: 200, text: seen.join("\n") });
    checked++;
    expect(leaks).toEqual([]);
  }, 20_000);

  test("of an admin of A alone reads A's audit log only, and cannot grant B", async () => {
    const audit = await connect("AdminService/ListAudit", tok.adminA, undefined, {});
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain(silenceOfB);
    const grant = await connect("AdminService/CreateUser", tok.adminA, undefined, {
      name: "mallory",
      role: "ROLE_VIEWER",
      password: PASSWORD,
      tenants: ["b"],
    });
    expect(grant.status).toBe(403);
    noB("AdminService", "no header", audit);
    checked += 2;
  });

  test("of an admin of A alone cannot act as, or on, a user beyond A", async () => {
    const call = (proc: string, body: unknown) =>
      connect(`AdminService/${proc}`, tok.adminA, undefined, body);
    /** An answer's JSON body: the line after its headers. */
    const json = async (proc: string) =>
      JSON.parse((await call(proc, {})).text.split("\n").at(-1)!);
    // root holds every tenant, bob holds B too: each would be a way into B.
    for (const name of ["root", "bob"]) {
      const attempts = {
        CreateToken: await call("CreateToken", { name: "pwn", owner: name }),
        ResetPassword: await call("ResetPassword", { name, password: "pwned-password" }),
        UpdateUserRole: await call("UpdateUserRole", { name, role: "ROLE_VIEWER" }),
        UpdateUserTenants: await call("UpdateUserTenants", { name, tenants: ["a"] }),
        DeleteUser: await call("DeleteUser", { name }),
      };
      for (const [proc, r] of Object.entries(attempts))
        expect({ proc, name, status: r.status, text: r.text }).toMatchObject({
          status: 404,
          text: expect.stringContaining(`"Cannot find user \\"${name}\\""`),
        });
    }
    expect(agg.auth!.user("root")?.role).toBe("admin");
    expect(agg.auth!.user("bob")?.tenants).toEqual(["a", "b"]);
    const rootToken = agg.auth!.listTokens().find((t) => t.owner === "root")!;
    expect((await call("RevokeToken", { id: rootToken.id })).status).toBe(404);
    // Lists show only the users within A and their tokens; alice is carol's to manage.
    const users = (await json("ListUsers")).users.map((u: { name: string }) => u.name);
    expect(users.sort()).toEqual(["alice", "carol"]);
    const owners = new Set(
      (await json("ListTokens")).tokens.map((t: { owner: string }) => t.owner),
    );
    expect([...owners].sort()).toEqual(["alice", "carol"]);
    const made = await call("CreateToken", { name: "for-alice", owner: "alice" });
    expect(made.status).toBe(200);
    checked += 3;
  });
});

describe("A's token over AlertsService", () => {
  const client = alertsClient;

  test("watches A's alerts only, and is refused B's and a|b's stream", async () => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10_000);
    let first = "";
    for await (const m of client(tok.a).watchAlerts({}, { signal: abort.signal })) {
      first = JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      break;
    }
    clearTimeout(timer);
    expect(first).toContain("a-team");
    noB("AlertsService/WatchAlerts", "no header", { status: 200, text: first });
    for (const header of ["b", "a|b", "nosuch"]) {
      const refused = await (async () => {
        try {
          for await (const m of client(tok.a, header).watchAlerts({})) return JSON.stringify(m);
        } catch (err) {
          return String(err);
        }
        return "ended";
      })();
      noB("AlertsService/WatchAlerts", header, { status: 0, text: refused });
      expect(refused).toContain("permission_denied");
    }
    checked++;
    expect(leaks).toEqual([]);
  }, 20_000);

  test("reads A's SLO from A's own probe_success, not the default tenant's", async () => {
    const sli = async () => {
      const { slos } = await client(tok.a).listSLOs({});
      return slos.map((s) => [s.name, s.sli]);
    };
    await until(async () => (await sli()).some(([, v]) => v === 1));
    expect(await sli()).toEqual([["a.example", 1]]);
    const b = await client(tok.ab, "b").listSLOs({});
    expect(b.slos.map((s) => s.name)).toEqual(["b-secret.example"]);
  }, 25_000);

  test("cannot test, change or expire B's receiver and silence: not found, as for no such", async () => {
    const hits = () => sink.requests.filter((r) => r.body.includes("TestAlert")).length;
    const before = hits();
    for (const receiver of ["b-secret-hook", "nosuch-hook"]) {
      const r = await connect("AlertsService/TestReceiver", tok.a, undefined, { receiver });
      expect([receiver, r.status]).toEqual([receiver, 400]);
    }
    const spec = (alertname: string, comment: string) => ({
      matchers: [{ name: "alertname", value: alertname }],
      startsAtMs: String(Date.now()),
      endsAtMs: String(Date.now() + 60_000),
      createdBy: "mallory",
      comment,
    });
    const update = await connect("AlertsService/UpdateSilence", tok.a, undefined, {
      id: silenceOfB,
      silence: spec("ApiSeen", "taken over"),
    });
    expect(update.text).toContain("not_found");
    const create = await connect("AlertsService/CreateSilence", tok.a, "b", {
      silence: spec("ApiUp", "into b"),
    });
    expect(create.status).toBe(403);
    const bs = await connect("AlertsService/ListSilences", tok.ab, "b", {});
    expect(bs.text).not.toContain("mallory");
    expect(hits()).toBe(before);
  });
});

describe("the A|B token", () => {
  test("acts for A alone without a header", async () => {
    const r = await http(`/api/v1/query?${q({ query: "http_requests_total" })}`, tok.ab);
    expect(r.text).toContain("a-host");
    expect(r.text).not.toContain("b-host");
    expect(r.text).not.toContain("__tenant_id__");
  });

  test("with a|b sees both tenants' series, each labelled __tenant_id__", async () => {
    const r = await http(`/api/v1/query?${q({ query: "http_requests_total" })}`, tok.ab, "a|b");
    const body = JSON.parse(r.text.slice(r.text.indexOf("\n{") + 1));
    const tenants = body.data.result.map((s: { metric: Record<string, string> }) =>
      [s.metric.__tenant_id__, s.metric.instance].join("/"),
    );
    expect(tenants.sort()).toEqual(["a/a-host", "b/b-host", "b/b-host"]);
  });

  test("with a|b reads both tenants' logs, each stream labelled __tenant_id__", async () => {
    const path = `/loki/api/v1/query_range?${q({ query: '{app="api", __tenant_id__="b"}', start: startNs, end: endNs })}`;
    const r = await http(path, tok.ab, "a|b");
    expect(r.status).toBe(200);
    expect(r.text).toContain("tenant-b-line");
    expect(r.text).not.toContain("tenant-a-line");
    const both = await connect("LogsService/Series", tok.ab, "a|b", {
      selectors: ['{app="api"}'],
      ...logRange,
    });
    expect(both.text).toContain('"a"');
    expect(both.text).toContain('"b"');
  });

  test("and the all-tenants admin read B when they name it", async () => {
    for (const t of [tok.ab, tok.admin]) {
      const r = await connect("QueryService/LabelValues", t, "b", { name: "instance" });
      expect(r.text).toContain("b-host");
      expect(r.text).not.toContain("a-host");
    }
  });
});

describe("alerting per tenant", () => {
  test("sends each tenant's alerts to its own webhook only", async () => {
    await until(() => sink.requests.some((r) => r.path === "/a-team"));
    await until(() => sink.requests.some((r) => r.path === "/b-secret"));
    for (const r of sink.requests) {
      const team = r.path.slice(1);
      expect(r.body).toContain(`"team":"${team}"`);
      expect(r.body).not.toContain(team === "a-team" ? "b-secret" : "a-team");
    }
  }, 25_000);

  test("a silence made in A mutes A's alert and not B's of the same name", async () => {
    const state = async (token: string, tenant: string) => {
      const r = await http("/api/v2/alerts", token, tenant);
      const alerts = JSON.parse(r.text.slice(r.text.indexOf("\n[") + 1));
      return alerts.map((x: { labels: Record<string, string>; status: { state: string } }) =>
        [x.labels.alertname, x.labels.team, x.status.state].join("/"),
      );
    };
    await until(async () => (await state(tok.a, "a")).includes("ApiUp/a-team/suppressed"));
    await until(async () => (await state(tok.ab, "b")).includes("ApiUp/b-secret/active"));
    expect(await state(tok.ab, "b")).toContain("ApiSeen/b-secret/suppressed");
    expect(await state(tok.a, "a")).toContain("ApiSeen/a-team/active");
  });

  test("A's token cannot expire B's silence: it is not found, not forbidden", async () => {
    const r = await fetch(`${agg.url}/api/v2/silence/${silenceOfB}`, {
      method: "DELETE",
      headers: headers(tok.a),
    });
    expect(r.status).toBe(404);
    const c = await connect("AlertsService/ExpireSilence", tok.a, undefined, { id: silenceOfB });
    expect(c.text).toContain("not_found");
  });

  test("joining tenants on an alerting surface is refused with 400, as Mimir does", async () => {
    for (const path of ["/api/v2/alerts", "/api/v1/rules", "/api/v1/alerts/history"]) {
      const r = await http(path, tok.ab, "a|b");
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.text).toContain("name one tenant in X-Scope-OrgID");
    }
  });

  test("B's audit log holds B's silence and dashboard, and A's does not", async () => {
    // B's records go through JetStream in B's own batches: beforeAll waited for A's only.
    const bAudit = () => connect("AdminService/ListAudit", tok.admin, "b", {});
    await until(async () => {
      const { text } = await bAudit();
      return [silenceOfB, '"target":"bdash"', '"target":"uploaded/b-secret-group"'].every((s) =>
        text.includes(s),
      );
    });
    const b = await bAudit();
    expect(b.text).toContain(silenceOfB);
    expect(b.text).toContain('"action":"dashboard.save","target":"bdash"');
    const a = await connect("AdminService/ListAudit", tok.admin, "a", {});
    expect(a.text).toContain("silence.create");
    // A's own refused attempts to expire or update B's silence name the id A sent, in A's log:
    // those are A's records. What must not be there is B's creating it.
    const records = JSON.parse(a.text.slice(a.text.indexOf("{"))).records as {
      action: string;
      target: string;
      outcome: string;
    }[];
    const ok = records.filter((r) => r.outcome === "AUDIT_OUTCOME_OK");
    expect(ok.filter((r) => r.target === silenceOfB)).toEqual([]);
    expect(records.filter((r) => r.target === "bdash")).toEqual([]);
    expect(ok.filter((r) => r.action === "rules.upload").map((r) => r.target)).toEqual([
      "uploaded/a-team-group",
    ]);
    expect(b.text).toContain('"target":"uploaded/b-secret-group"');
  });

  test("an agent of A cannot write A's audit log or alert history: its batch is dead-lettered", async () => {
    const at = BigInt(Date.now()) * 1_000_000n;
    const enc = new BatchEncoder();
    for (const [i, stream] of ["audit", "alert_history"].entries()) {
      const record = {
        id: `forged-${stream}`,
        time: Date.now(),
        kind: "state",
        actor: { kind: "token", name: "admin-a", user: "carol", role: "admin" },
        source: "10.6.6.6",
        action: "user.delete",
        target: "alice",
        outcome: "ok",
      };
      enc.addLog({
        timeNs: at + BigInt(i),
        labels: labelsFromRecord({ job: "outpost", stream, action: "user.delete" }),
        line: JSON.stringify(record),
        fields: [],
      });
    }
    await publishBatch(nc, compress("lz4", enc.finish()), {
      tenant: "a",
      signal: "logs",
      agent: "agent-a",
    });
    // The same agent's next batch: once it is read, the one before was handled.
    await publishLogs("a", [{ app: "after-forgery" }], at + 10n);
    const logs = (query: string) =>
      http(
        `/loki/api/v1/query_range?${q({ query, start: startNs, end: String(at + 1_000_000_000n) })}`,
        tok.a,
      );
    await until(async () => (await logs('{app="after-forgery"}')).text.includes("tenant-a-line"));
    expect((await logs('{job="outpost"} |= "forged-"')).text).not.toContain("forged-");
    const audit = await connect("AdminService/ListAudit", tok.adminA, undefined, {});
    expect([audit.status, audit.text.includes("forged-")]).toEqual([200, false]);
  });

  test("an admin of A alone reloads A's rules and alertmanager.yml only, and cannot reload B's", async () => {
    const reload = (token: string, tenant?: string) =>
      fetch(`${agg.url}/-/reload`, { method: "POST", headers: headers(token, tenant) });
    expect((await reload(tok.adminA, "b")).status).toBe(403);
    expect((await reload(tok.adminA)).status).toBe(200);
    const reloads = async (tenant: string) => {
      const r = await connect("AdminService/ListAudit", tok.admin, tenant, {
        actionPrefix: "rules.reload",
      });
      const records = JSON.parse(r.text.slice(r.text.indexOf("{"))).records ?? [];
      return records.map((x: { actor: { user?: string; name: string } }) => x.actor.user);
    };
    await until(async () => (await reloads("a")).includes("carol"));
    // The all-tenants admin reloads every tenant: its record reaches B's log, carol's never does.
    expect((await reload(tok.admin)).status).toBe(200);
    await until(async () => (await reloads("b")).includes("root"));
    expect(await reloads("b")).not.toContain("carol");
    expect(await reloads("default")).toContain("root");
  });

  test("the notifier's, silences' and rules' self-metrics are labelled by tenant", async () => {
    // An admin of every tenant: /metrics names them all.
    const metrics = async () =>
      (
        await fetch(`${agg.url}/metrics`, { headers: { Authorization: `Bearer ${tok.admin}` } })
      ).text();
    const each = (t: string) => [
      new RegExp(`^outpost_notifications_total\\{integration="[^"]+",tenant="${t}"\\} [1-9]`, "m"),
      new RegExp(`^outpost_notify_silences\\{state="active",tenant="${t}"\\} 1$`, "m"),
      new RegExp(`^outpost_notifier_lease_held\\{tenant="${t}"\\} 1$`, "m"),
      new RegExp(
        `^outpost_alerts_received_total\\{status="firing",origin="rules",tenant="${t}"\\} [1-9]`,
        "m",
      ),
      new RegExp(
        `^outpost_rule_group_held\\{rule_group="[^"]*${t}\\.rules\\.yml;api",tenant="${t}"\\} 1$`,
        "m",
      ),
    ];
    await until(async () => {
      const text = await metrics();
      return [...each("a"), ...each("b")].every((re) => re.test(text));
    });
    // The default tenant has a notifier too, with no silence: its gauge is its own, at 0.
    expect(await metrics()).toMatch(
      /^outpost_notify_silences\{state="active",tenant="default"\} 0$/m,
    );
  });
});

describe("streams opened with credentials that stop passing", () => {
  /** How a stream ended: the WebSocket's close code and reason, or the Connect error. */
  const ended = (run: () => Promise<unknown>) =>
    run().then(
      () => "ended without an error",
      (err) => String(err),
    );
  const watchUntilEnd = (client: ReturnType<typeof alertsClient>) =>
    ended(async () => {
      for await (const _ of client.watchAlerts({})) {
        // The snapshot, then changes until the stream ends.
      }
    });

  test("end once the token is revoked: Loki's tail, LogsService/Tail, WatchAlerts", async () => {
    const { token, secret } = await agg.auth!.createToken({ name: "soon-gone", owner: "alice" });
    const url = `${agg.url.replace("http", "ws")}/loki/api/v1/tail?${q({ query: '{app="api"}' })}`;
    const ws = new WebSocket(url, { headers: headers(secret) } as never);
    await new Promise((r) => ws.addEventListener("open", r));
    const closed = new Promise<string>((r) =>
      ws.addEventListener("close", (e) => r(`${e.code} ${e.reason}`)),
    );
    const logs = createClient(LogsService, transportWith(secret));
    const tail = ended(async () => {
      for await (const _ of logs.tail({ query: '{app="api"}' })) {
        // Lines until the stream ends.
      }
    });
    const watch = watchUntilEnd(alertsClient(secret));
    await Bun.sleep(500);
    const revokedAt = Date.now();
    await agg.auth!.revokeToken(token.id);
    const [ws_, tail_, watch_] = await Promise.all([closed, tail, watch]);
    expect(Date.now() - revokedAt).toBeLessThan(15_000);
    expect(ws_).toBe("1008 tail ended: Cannot authenticate: unknown, revoked or expired token");
    for (const e of [tail_, watch_]) {
      expect(e).toContain("[unauthenticated] Stream ended: Cannot authenticate");
    }
  }, 30_000);

  test("end once the user may no longer act for the stream's tenant", async () => {
    await agg.auth!.addUser("dave", "viewer", PASSWORD, ["a", "b"]);
    const { secret } = await agg.auth!.createToken({ name: "dave", owner: "dave" });
    const watch = watchUntilEnd(alertsClient(secret, "b"));
    const stays = new AbortController();
    const other = ended(async () => {
      for await (const _ of alertsClient(secret, "a").watchAlerts({}, { signal: stays.signal })) {
        // A's stream: dave keeps A.
      }
    });
    await Bun.sleep(500);
    await agg.auth!.setTenants("dave", ["a"]);
    expect(await watch).toContain(
      "[unauthenticated] Stream ended: Cannot act for the tenants in X-Scope-OrgID: not all of them are granted",
    );
    stays.abort();
    expect(await other).toContain("canceled");
  }, 30_000);

  test("opened with a password: wrong passwords sent meanwhile do not end it, a new password does", async () => {
    await agg.auth!.addUser("erin", "viewer", PASSWORD, ["a"]);
    const basic = `Basic ${Buffer.from(`erin:${PASSWORD}`).toString("base64")}`;
    const client = createClient(
      AlertsService,
      transportWithHeaders(agg.url, { Authorization: basic }),
    );
    const watch = watchUntilEnd(client);
    // Someone else spends erin's login attempts: the stream's re-checks do not log in again.
    const wrong = `Basic ${Buffer.from("erin:guess").toString("base64")}`;
    for (let i = 0; i < 15; i++)
      await fetch(`${agg.url}/api/v1/labels`, { headers: { Authorization: wrong } });
    const early = await Promise.race([watch, Bun.sleep(6_000).then(() => "still open")]);
    expect(early).toBe("still open");
    await agg.auth!.setPassword("erin", "another long password");
    expect(await watch).toContain(
      "[unauthenticated] Stream ended: Cannot authenticate: the user's password changed",
    );
  }, 40_000);
});

test("0 leaks over every surface", () => {
  expect(leaks).toEqual([]);
  expect(checked).toBe(SURFACES.length + 8);
  console.log(`tenant isolation: ${leaks.length} leaks over ${checked} surfaces`);
});
