// biome-ignore-all lint/suspicious/noExplicitAny: the HTTP APIs' JSON, read loosely
/**
 * The Connect alerts API of a real aggregator (nats-server, rules, notifier, silences,
 * history, SLOs): every method through the generated client in Connect JSON and binary, its
 * answers equal to the HTTP APIs' for the same state, WatchAlerts over HTTP/1.1, and bad input
 * answered `invalid_argument` naming the field.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { MAX_WATCHES_PER_TENANT } from "../../aggregator/api/connect/alerts/service.ts";
import { watchAlerts } from "../../aggregator/api/connect/alerts/watch.ts";
import { AlertsService, ChangeKind } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { AMTOOL, type Sink, startSink } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pollValue } from "../harness/poll.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-connect-alerts-"));
let nats: NatsServerHandle;
let aggregator: Aggregator;
let sink: Sink;
const clients: [string, Client<typeof AlertsService>][] = [];

const AM = (url: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
    - matchers: ['severity="page"']
      receiver: pager
receivers:
  - name: hook
    webhook_configs: [{url: "${url}/hook"}]
  - name: db
  - name: pager
    webhook_configs: [{url: "${url}/pager"}, {url: "${url}/broken"}]
`;
/** A constant error ratio, written as Sloth asks: over `{{.window}}`. */
const ratio = (r: string) => `vector(${r}) + 0 * count_over_time(vector(1)[{{.window}}:5m])`;
const SLO = `version: prometheus/v1
service: shop
slos:
  - name: calm
    objective: 99
    sli: {raw: {error_ratio_query: "${ratio("0.002")}"}}
    alerting: {name: CalmBurn, page_alert: {disable: false}, ticket_alert: {disable: true}}
  - name: burning
    objective: 99
    sli: {raw: {error_ratio_query: "${ratio("0.5")}"}}
    alerting: {name: FastBurn}
`;

beforeAll(async () => {
  sink = startSink((path) => (path === "/broken" ? 500 : 200));
  writeFileSync(join(dir, "am.yml"), AM(sink.url));
  writeFileSync(join(dir, "slo.yml"), SLO);
  writeFileSync(
    join(dir, "rules.yml"),
    "groups:\n- name: g\n  rules:\n  - alert: Always\n    expr: vector(1)\n    labels: {severity: page}\n  - record: one\n    expr: vector(1)\n",
  );
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    "global: { evaluation_interval: 1s }\nrule_files: [rules.yml]\nslo_files: [slo.yml]\nalerting: {config_file: am.yml}\n",
  );
  for (const useBinaryFormat of [false, true]) {
    const transport = createConnectTransport({ baseUrl: aggregator.url, useBinaryFormat });
    clients.push([useBinaryFormat ? "binary" : "JSON", createClient(AlertsService, transport)]);
  }
  await post([{ labels: { alertname: "Posted", team: "db", severity: "page" } }]);
  await post([{ labels: { alertname: "Other", severity: "info" } }]);
  // Until the rule's alert reached the notifier, the silences are up and every group has been
  // evaluated once: before that a rule's health is "unknown", and a test comparing two answers
  // taken moments apart saw it change between them (under load the groups' first evaluations,
  // spread over the interval, came late).
  for (let i = 0; i < 200; i++) {
    const alerts = (await get("/api/v2/alerts")) as any[];
    const silences = await fetch(`${aggregator.url}/api/v2/silences`);
    const rules = (await get("/api/v1/rules")).data.groups.flatMap((g: any) => g.rules);
    const evaluated = rules.every((r: any) => r.health !== "unknown");
    if (alerts.some((a) => a.labels.alertname === "Always") && silences.ok && evaluated) break;
    await Bun.sleep(100);
  }
}, 30_000);

afterAll(async () => {
  await aggregator?.stop();
  await nats?.dispose();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (alerts: unknown[]) =>
  fetch(`${aggregator.url}/api/v2/alerts`, { method: "POST", body: JSON.stringify(alerts) });
const get = async (path: string): Promise<any> => (await fetch(`${aggregator.url}${path}`)).json();
const ms = (iso: string) => BigInt(Date.parse(iso));
const record = (labels: { name: string; value: string }[]) =>
  Object.fromEntries(labels.map((l) => [l.name, l.value]));

/** The gettable alert of /api/v2/alerts as the Connect message gives it. */
const fromGettable = (a: any) => ({
  fingerprint: a.fingerprint,
  labels: a.labels,
  annotations: a.annotations,
  startsAtMs: ms(a.startsAt),
  endsAtMs: ms(a.endsAt),
  updatedAtMs: ms(a.updatedAt),
  generatorUrl: a.generatorURL ?? "",
  receivers: a.receivers.map((r: any) => r.name),
  state: a.status.state,
  silencedBy: a.status.silencedBy,
  inhibitedBy: a.status.inhibitedBy,
});
const fromMessage = (a: any) => ({
  fingerprint: a.fingerprint,
  labels: record(a.labels),
  annotations: record(a.annotations),
  startsAtMs: a.startsAtMs,
  endsAtMs: a.endsAtMs,
  updatedAtMs: a.updatedAtMs,
  generatorUrl: a.generatorUrl,
  receivers: a.receivers,
  state: a.state,
  silencedBy: a.silencedBy,
  inhibitedBy: a.inhibitedBy,
});

/**
 * The Connect answer and the HTTP API's, both through `shape`, taken when the HTTP API
 * answered the same before and after the Connect call: rules evaluate every second and the
 * SLO's alerts turn firing as its burn rates fill, and a run saw a rule turn firing between
 * two calls moments apart.
 */
async function agreeing(
  connect: () => Promise<any>,
  http: () => Promise<any>,
  shape: (answer: any) => unknown = (answer) => answer,
): Promise<[any, any]> {
  let got: unknown;
  let after: unknown;
  for (let i = 0; i < 20; i++) {
    const before = shape(await http());
    got = shape(await connect());
    after = shape(await http());
    if (Bun.deepEquals(before, after)) break;
  }
  return [got, after];
}

/** The Connect code and message of a failed call. */
async function failure(call: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await call();
  } catch (err) {
    const e = ConnectError.from(err);
    return [Code[e.code], e.rawMessage];
  }
  throw new Error("the call succeeded");
}

describe.each(
  clients.length
    ? clients
    : [
        ["JSON", null as any],
        ["binary", null as any],
      ],
)("AlertsService over Connect %s", (format) => {
  const client = () => clients.find(([f]) => f === format)?.[1] as Client<typeof AlertsService>;

  test("ListRules gives the groups and rules /api/v1/rules gives", async () => {
    const row = (r: any) => [r.name, r.type, r.query, r.state, r.health, r.alerts.length];
    const [got, want] = await agreeing(
      async () => (await client().listRules({ type: "alert" })).groups,
      async () => (await get("/api/v1/rules?type=alert")).data.groups,
      (groups: any[]) => groups.map((g) => ({ name: g.name, rules: g.rules.map(row) })),
    );
    expect(got).toEqual(want);
    const rules = got.flatMap((g: any) => g.rules);
    expect(rules.some((r: any) => r[0] === "Always" && r[3] === "firing")).toBe(true);
  });

  test.each([
    ["no filter", {}, ""],
    ["a matcher", { matchers: ['severity="page"'] }, "filter=severity%3D%22page%22"],
    ["a receiver", { receiver: "db|pager" }, "receiver=db%7Cpager"],
    ["inactive left out", { active: false }, "active=false"],
  ])("ListAlerts with %s equals GET /api/v2/alerts", async (_, filter, query) => {
    const [alerts, want] = await agreeing(
      async () => (await client().listAlerts({ filter })).alerts.map(fromMessage),
      async () => ((await get(`/api/v2/alerts?${query}`)) as any[]).map(fromGettable),
    );
    expect(alerts).toEqual(want);
    if (query !== "active=false") expect(alerts.length).toBeGreaterThan(0);
  });

  test("ListAlertGroups equals GET /api/v2/alerts/groups", async () => {
    const [got, want] = await agreeing(
      async () =>
        (await client().listAlertGroups({})).groups.map((g) => [
          record(g.labels),
          g.receiver,
          g.alerts.map(fromMessage),
        ]),
      async () =>
        ((await get("/api/v2/alerts/groups")) as any[]).map((g) => [
          g.labels,
          g.receiver.name,
          g.alerts.map(fromGettable),
        ]),
    );
    expect(got).toEqual(want);
    expect(new Set(got.map((g: any) => g[1]))).toEqual(new Set(["db", "pager", "hook"]));
  });

  test("silences: create, get and list as the v2 API, update, expire", async () => {
    const now = Date.now();
    const silence = {
      matchers: [{ name: "alertname", value: "Other", isRegex: false }],
      startsAtMs: BigInt(now),
      endsAtMs: BigInt(now + 3600_000),
      createdBy: `connect-${format}`,
      comment: "quiet",
    };
    const { silenceId } = await client().createSilence({ silence });
    const http = await get(`/api/v2/silence/${silenceId}`);
    const { silence: got } = await client().getSilence({ id: silenceId });
    expect(got).toMatchObject({
      id: http.id,
      state: http.status.state,
      createdBy: http.createdBy,
      startsAtMs: ms(http.startsAt),
      endsAtMs: ms(http.endsAt),
      updatedAtMs: ms(http.updatedAt),
    });
    expect(got?.matchers.map((m) => ({ ...m, $typeName: undefined }))).toEqual(
      http.matchers.map((m: any) => ({ ...m, $typeName: undefined })),
    );
    const list = await client().listSilences({ matchers: ["alertname=Other"] });
    const httpList = (await get("/api/v2/silences?filter=alertname%3DOther")) as any[];
    expect(list.silences.map((s) => s.id)).toEqual(httpList.map((s) => s.id));
    // The silenced alert is listed as the v2 API lists it.
    const alerts = await client().listAlerts({ filter: { matchers: ["alertname=Other"] } });
    expect(alerts.alerts[0]?.silencedBy).toContain(silenceId);
    const updated = await client().updateSilence({
      id: silenceId,
      // Its start as stored (not before the call): a changed start could not be made in place.
      silence: { ...silence, startsAtMs: got?.startsAtMs, comment: "still quiet" },
    });
    expect(updated.silenceId).toBe(silenceId);
    await client().expireSilence({ id: silenceId });
    // It ends now, and a silence is active up to its end included (as Alertmanager's): read it
    // in a later millisecond.
    await Bun.sleep(2);
    expect((await get(`/api/v2/silence/${silenceId}`)).status.state).toBe("expired");
  });

  test("a silence ending in the past is refused with the v2 API's message", async () => {
    const body = {
      matchers: [{ name: "a", value: "b", isRegex: false }],
      startsAt: new Date(Date.now() - 7200_000).toISOString(),
      endsAt: new Date(Date.now() - 3600_000).toISOString(),
      createdBy: "x",
      comment: "y",
    };
    const res = await fetch(`${aggregator.url}/api/v2/silences`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const silence = {
      matchers: [{ name: "a", value: "b" }],
      startsAtMs: ms(body.startsAt),
      endsAtMs: ms(body.endsAt),
    };
    expect(await failure(() => client().createSilence({ silence }))).toEqual([
      "InvalidArgument",
      (await res.json()) as string,
    ]);
  });

  test("ListHistory equals GET /api/v1/alerts/history", async () => {
    let http: any[] = [];
    for (let i = 0; i < 50 && http.length === 0; i++) {
      http = (await get("/api/v1/alerts/history?kind=state")).data;
      if (http.length === 0) await Bun.sleep(200);
    }
    expect(http.length).toBeGreaterThan(0);
    // Rules keep writing history: compare a Connect answer with HTTP answers taken just before
    // and after it that agree, so no record landed in between.
    let got: unknown[] = [];
    let want: unknown[] = [1];
    for (let i = 0; i < 20; i++) {
      const before = (await get("/api/v1/alerts/history?kind=state")).data;
      const { records } = await client().listHistory({ kind: "state" });
      const after = (await get("/api/v1/alerts/history?kind=state")).data;
      got = records.map((r) => [
        Number(r.timeMs),
        r.record.case === "state" ? r.record.value.fingerprint : "",
        r.record.case === "state" ? r.record.value.state : "",
      ]);
      want = before.map((r: any) => [r.time, r.fingerprint, r.state]);
      if (JSON.stringify(before) === JSON.stringify(after)) break;
    }
    expect(got).toEqual(want);
  });

  test("TestRoute gives the receivers amtool's routes test gives, in order, with their paths", async () => {
    const labels = { alertname: "X", team: "db", severity: "page" };
    const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const proc = Bun.spawn(
      [AMTOOL, "config", "routes", "test", `--config.file=${join(dir, "am.yml")}`, ...args],
      { stdout: "pipe" },
    );
    const amtool = (await new Response(proc.stdout).text()).trim();
    const { routes } = await client().testRoute({
      labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
    });
    expect(routes.map((r) => r.receiver).join(",")).toBe(amtool);
    expect(routes[0]).toMatchObject({
      path: ["default-route", '{team="db"}'],
      continue: true,
      groupKey: '{}/{team="db"}:{alertname="X"}',
    });
  });

  test("TestReceiver sends through each integration and reports each outcome", async () => {
    // Only the test notifications count: the rules' own alerts may reach /pager meanwhile.
    const tests = () =>
      sink.received.filter(
        (r) => r.path === "/pager" && (r.body as any)?.commonLabels?.alertname === "TestAlert",
      );
    const before = tests().length;
    const { integrations } = await client().testReceiver({ receiver: "pager" });
    expect(integrations.map((i) => [i.integration, i.ok, i.reason])).toEqual([
      ["webhook[0]", true, ""],
      ["webhook[1]", false, "serverError"],
    ]);
    expect(tests().length).toBe(before + 1);
  });

  test("ListSLOs gives objective, window, SLI, budget left, burn rates and alert states", async () => {
    let slos: Awaited<ReturnType<Client<typeof AlertsService>["listSLOs"]>>["slos"] = [];
    for (let i = 0; i < 60; i++) {
      slos = (await client().listSLOs({ service: "shop" })).slos;
      const ready = slos.every((s) => s.errorBudgetRemaining !== undefined);
      if (slos.length === 2 && ready && slos[0].alerts.some((a) => a.state === "firing")) break;
      await Bun.sleep(250);
    }
    expect(slos.map((s) => [s.id, s.objective, Number(s.windowMs)])).toEqual([
      ["shop-burning", 99, 30 * 86_400_000],
      ["shop-calm", 99, 30 * 86_400_000],
    ]);
    const [burning, calm] = slos;
    expect(calm.sli).toBeCloseTo(0.998, 9);
    expect(calm.errorBudgetRemaining).toBeCloseTo(0.8, 9);
    expect(calm.burnRates.map((b) => Number(b.windowMs))).toContain(3600_000);
    for (const b of calm.burnRates) expect(b.rate).toBeCloseTo(0.2, 9);
    expect(calm.alerts.map((a) => [a.name, a.severity, a.state])).toEqual([
      ["CalmBurn", "page", "inactive"],
    ]);
    expect(burning.burnRates[0].rate).toBeCloseTo(50, 9);
    expect(burning.alerts.find((a) => a.severity === "page")?.state).toBe("firing");
    expect((await client().listSLOs({ service: "nope" })).slos).toEqual([]);
  }, 20_000);

  test("WatchAlerts gives a snapshot, then a new alert and its resolve", async () => {
    const name = `Watched${format}`;
    const abort = new AbortController();
    const stream = client().watchAlerts(
      { matchers: [`alertname="${name}"`] },
      { signal: abort.signal },
    );
    const it = stream[Symbol.asyncIterator]();
    const first = (await it.next()).value;
    expect(first.event.case).toBe("snapshot");
    expect(first.event.value.alerts).toEqual([]);
    await post([{ labels: { alertname: name } }]);
    const added = (await it.next()).value;
    expect(added.event.case).toBe("change");
    expect(added.event.value).toMatchObject({ kind: ChangeKind.ADDED });
    expect(record(added.event.value.alert.labels)).toEqual({ alertname: name });
    expect(added.event.value.alert.receivers).toEqual(["hook"]);
    await post([{ labels: { alertname: name }, endsAt: new Date().toISOString() }]);
    const resolved = (await it.next()).value;
    expect(resolved.event.value.kind).toBe(ChangeKind.RESOLVED);
    abort.abort();
  });

  test.each([
    ["ListAlerts", (c: any) => c.listAlerts({ filter: { matchers: ["a=~("] } }), "filter.matchers"],
    [
      "ListAlertGroups",
      (c: any) => c.listAlertGroups({ filter: { receiver: "(" } }),
      "filter.receiver",
    ],
    ["ListRules", (c: any) => c.listRules({ type: "both" }), "type"],
    ["ListSilences", (c: any) => c.listSilences({ matchers: ["{"] }), "matchers"],
    ["GetSilence", (c: any) => c.getSilence({ id: "abc" }), "id"],
    ["ExpireSilence", (c: any) => c.expireSilence({}), "id"],
    [
      "CreateSilence",
      (c: any) => c.createSilence({ silence: { startsAtMs: 1n, endsAtMs: 2n } }),
      "silence.matchers",
    ],
    [
      "CreateSilence",
      (c: any) => c.createSilence({ silence: { matchers: [{ name: "a", value: "b" }] } }),
      "silence.starts_at_ms",
    ],
    ["ListHistory", (c: any) => c.listHistory({ matchers: ["{"] }), "matchers"],
    ["ListHistory", (c: any) => c.listHistory({ limit: 0 }), "limit"],
    ["ListHistory", (c: any) => c.listHistory({ startMs: 2n, endMs: 1n }), "end_ms"],
    [
      "TestRoute",
      (c: any) => c.testRoute({ labels: [{ name: "a-b", value: "" }] }),
      "labels[0].name",
    ],
    ["TestReceiver", (c: any) => c.testReceiver({ receiver: "nobody" }), "receiver"],
    [
      "WatchAlerts",
      (c: any) =>
        c
          .watchAlerts({ matchers: ["=x"] })
          [Symbol.asyncIterator]()
          .next(),
      "matchers",
    ],
  ])("%s refuses bad input with invalid_argument naming %s", async (_, call, field) => {
    const [code, message] = await failure(() => call(client()));
    expect(code).toBe("InvalidArgument");
    expect(message).toStartWith(`invalid parameter "${field}": `);
  });
});

test("GetSilence and ExpireSilence of an unknown id are not_found", async () => {
  const [, client] = clients[0];
  const id = "00000000-0000-4000-8000-000000000000";
  expect((await failure(() => client.getSilence({ id })))[0]).toBe("NotFound");
  expect((await failure(() => client.expireSilence({ id })))[0]).toBe("NotFound");
});

test("a watcher that does not keep up is dropped with resource_exhausted; the notifier goes on", async () => {
  const notifier = aggregator.notifier;
  if (!notifier) throw new Error("no notifier");
  const abort = new AbortController();
  const stream = watchAlerts(notifier, [], abort.signal, 5);
  expect((await stream.next()).value?.event.case).toBe("snapshot");
  const alerts = Array.from({ length: 20 }, (_, i) => ({
    labels: { alertname: "Flood", i: `${i}` },
  }));
  expect((await post(alerts)).status).toBe(200);
  expect(notifier.store.list().filter((a) => a.labels.alertname === "Flood")).toHaveLength(20);
  const [code, message] = await failure(() => stream.next());
  expect(code).toBe("ResourceExhausted");
  expect(message).toContain("more than 5 changes");
  abort.abort();
});

test("a tenant's 101st open WatchAlerts is refused with resource_exhausted; closing one frees its place", async () => {
  const [, client] = clients[0];
  const aborts: AbortController[] = [];
  const open = async () => {
    const abort = new AbortController();
    aborts.push(abort);
    const it = client.watchAlerts({}, { signal: abort.signal })[Symbol.asyncIterator]();
    return (await it.next()).value?.event.case;
  };
  try {
    const firsts = await Promise.all(Array.from({ length: MAX_WATCHES_PER_TENANT }, open));
    expect(new Set(firsts)).toEqual(new Set(["snapshot"]));
    const [code, message] = await failure(open);
    expect([code, message]).toEqual([
      "ResourceExhausted",
      `Cannot watch alerts: tenant default has ${MAX_WATCHES_PER_TENANT} watches open, the most it may have`,
    ]);
    aborts[0].abort();
    // The server sees the close a moment later; until then the place is still taken.
    const reopened = () => open().catch((err) => ConnectError.from(err).rawMessage);
    expect(await pollValue(reopened, (first) => first === "snapshot")).toBe("snapshot");
  } finally {
    for (const a of aborts) a.abort();
  }
}, 30_000);
