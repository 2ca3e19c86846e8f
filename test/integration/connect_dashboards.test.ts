/**
 * The dashboards API of two real aggregators on one nats-server with authentication on:
 * Grafana's own dashboards imported through the generated client in Connect JSON and binary,
 * seen by the other aggregator, versions with conflicts and restore, search, a dashboard
 * larger than one NATS message, a viewer refused, bad input answered `invalid_argument`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { PROMETHEUS_UID, placeholder } from "../../aggregator/dashboards/share.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pollValue } from "../harness/poll.ts";

type Dashboards = Client<typeof DashboardsService>;
const DS_PROM = placeholder("DS_PROM");
const FIXTURES = join(import.meta.dir, "../fixtures/grafana");
const nodeFull = readFileSync(join(FIXTURES, "node-exporter-full.json"), "utf8");
const redis = readFileSync(join(FIXTURES, "redis-exporter.json"), "utf8");
const AUTH = "auth: {enabled: true}\n";

let nats: NatsServerHandle;
let dir: string;
let a: Aggregator;
let b: Aggregator;
const tokens = { viewer: "", editor: "" };

function client(agg: Aggregator, token: string, useBinaryFormat = false): Dashboards {
  const transport = createConnectTransport({
    baseUrl: agg.url,
    useBinaryFormat,
    interceptors: [
      (next) => (req) => {
        req.header.set("Authorization", `Bearer ${token}`);
        return next(req);
      },
    ],
  });
  return createClient(DashboardsService, transport);
}

/** The Connect code a call fails with ("ok" when it succeeds) and its message. */
async function refusal(call: Promise<unknown>): Promise<[string, string]> {
  try {
    await call;
    return ["ok", ""];
  } catch (err) {
    const e = ConnectError.from(err);
    return [Code[e.code], e.rawMessage];
  }
}

/**
 * Reads until `ok` holds. A liveness bound: changes reach the other aggregator through a KV
 * watch in milliseconds, but a loaded CI machine has taken seconds.
 */
const eventually = <T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> =>
  pollValue(read, ok, 15_000, 10);

/** What an import must store: the input without __inputs/__requires, with Outpost's fields. */
function expected(text: string, uid: string, version: number): Record<string, unknown> {
  const doc = JSON.parse(text);
  delete doc.__inputs;
  delete doc.__requires;
  return { ...doc, id: null, uid, version };
}

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "outpost-dashboards-"));
  a = await startInProcessAggregator(dir, nats.url, AUTH, "a");
  b = await startInProcessAggregator(dir, nats.url, `${AUTH}dashboards: {max_bytes: 1MiB}\n`, "b");
  for (const role of ["viewer", "editor"] as const) {
    await a.auth!.addUser(role, role, "correct horse battery");
    tokens[role] = (await a.auth!.createToken({ name: "test", owner: role })).secret;
  }
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(["JSON", "binary"])("Connect %s", (format) => {
  const binary = format === "binary";
  const uid = `node-full-${format}`;

  test("Node Exporter Full imports unchanged and the other aggregator serves it", async () => {
    const text = nodeFull.replace('"uid": "rYdddlPWk"', `"uid": "${uid}"`);
    const res = await client(a, tokens.editor, binary).importDashboard({ json: text });
    const want = expected(text, uid, 1);
    expect(JSON.parse(res.dashboard!.json)).toEqual(want);
    // Its data source is a dashboard variable, resolved when it is shown: kept as it is.
    expect(res.dashboard!.json.split(placeholder("ds_prometheus")).length - 1).toBe(128);
    expect((want.panels as unknown[]).length).toBe(31);
    expect(res.dashboard!.meta!.title).toBe("Node Exporter Full");
    expect(res.dashboard!.meta!.updatedBy).toBe("editor");
    const other = client(b, tokens.viewer, binary);
    const got = await eventually(
      () => refusal(other.getDashboard({ uid })).then(([c]) => c),
      (c) => c === "ok",
    );
    expect(got).toBe("ok");
    expect(JSON.parse((await other.getDashboard({ uid })).dashboard!.json)).toEqual(want);
  });

  test("an export with __inputs maps DS_PROM to Outpost's Prometheus everywhere", async () => {
    const text = redis.replace(/"uid": "e008bc3f[^"]*"/, `"uid": "redis-${uid}"`);
    const res = await client(a, tokens.editor, binary).importDashboard({ json: text });
    const json = res.dashboard!.json;
    expect(json).not.toContain(DS_PROM);
    expect(json).not.toContain("__inputs");
    expect(JSON.parse(json)).toEqual(
      expected(text.replaceAll(DS_PROM, PROMETHEUS_UID), `redis-${uid}`, 1),
    );
    expect((JSON.parse(json).panels as unknown[]).length).toBe(13);
  });
});

test("an import over a taken uid is refused as taken, whatever version the file says", async () => {
  const text = JSON.stringify({ uid: "taken-uid", title: "Taken", version: 102, panels: [] });
  await client(a, tokens.editor).importDashboard({ json: text });
  const [code, message] = await refusal(client(a, tokens.editor).importDashboard({ json: text }));
  expect([code, message]).toEqual([
    "FailedPrecondition",
    'Cannot import dashboard "taken-uid": a dashboard with this uid exists ("Taken"); import it with overwrite to replace it, or give it another uid',
  ]);
  const again = await client(a, tokens.editor).importDashboard({ json: text, overwrite: true });
  expect(again.dashboard!.meta!.version).toBe(2n);
});

test("an import with an input Outpost cannot serve is refused naming the input", async () => {
  const text = redis.replace('"pluginId": "prometheus"', '"pluginId": "elasticsearch"');
  const [code, message] = await refusal(client(a, tokens.editor).importDashboard({ json: text }));
  expect([code, message]).toEqual([
    "InvalidArgument",
    expect.stringContaining('input "DS_PROM"') as unknown as string,
  ]);
});

test("a stale version is refused, overwrite saves it, and restore brings an old one back", async () => {
  const c = client(a, tokens.editor);
  const first = await c.saveDashboard({ json: JSON.stringify({ title: "Mine", uid: "mine" }) });
  expect(first.meta!.version).toBe(1n);
  await c.saveDashboard({
    json: JSON.stringify({ title: "Mine 2", uid: "mine", version: 1 }),
    message: "rename",
  });
  const [code, message] = await refusal(
    c.saveDashboard({ json: JSON.stringify({ title: "Mine 3", uid: "mine", version: 1 }) }),
  );
  expect(code).toBe("FailedPrecondition");
  expect(message).toContain("version 1 is stale, the stored version is 2");
  const forced = await c.saveDashboard({
    json: JSON.stringify({ title: "Mine 3", uid: "mine", version: 1 }),
    overwrite: true,
  });
  expect(forced.meta!.version).toBe(3n);
  const restored = await client(b, tokens.editor, true).restoreVersion({
    uid: "mine",
    version: 1n,
  });
  expect([restored.meta!.version, restored.meta!.title]).toEqual([4n, "Mine"]);
  const versions = (await c.listVersions({ uid: "mine" })).versions;
  expect(versions.map((v) => [v.version, v.createdBy, v.message, v.restoredFrom])).toEqual([
    [4n, "editor", "Restored from version 1", 1n],
    [3n, "editor", "", 0n],
    [2n, "editor", "rename", 0n],
    [1n, "editor", "", 0n],
  ]);
  const v2 = await c.getVersion({ uid: "mine", version: 2n });
  expect(JSON.parse(v2.json).title).toBe("Mine 2");
});

test("search finds dashboards by tag and by folder, through either aggregator", async () => {
  const c = client(a, tokens.editor);
  await c.createFolder({ uid: "infra", title: "Infrastructure" });
  await c.saveDashboard({
    json: JSON.stringify({ title: "Disks", tags: ["linux", "storage"] }),
    folderUid: "infra",
  });
  await c.saveDashboard({
    json: JSON.stringify({ title: "Net", tags: ["linux"] }),
    folderUid: "infra",
  });
  const viewer = client(b, tokens.viewer, true);
  const byFolder = await eventually(
    () => viewer.searchDashboards({ folderUids: ["infra"] }),
    (r) => r.dashboards.length === 2,
  );
  expect(byFolder.dashboards.map((d) => d.title)).toEqual(["Disks", "Net"]);
  const byTags = await viewer.searchDashboards({ tags: ["linux", "storage"] });
  expect(byTags.dashboards.map((d) => d.title)).toEqual(["Disks"]);
  const linux = await viewer.searchDashboards({ tags: ["linux"], query: "node" });
  expect(linux.dashboards.map((d) => d.title)).toEqual([
    "Node Exporter Full",
    "Node Exporter Full",
  ]);
  expect((await viewer.listFolders({})).folders.map((f) => f.title)).toEqual(["Infrastructure"]);
  expect((await refusal(c.deleteFolder({ uid: "infra" })))[0]).toBe("FailedPrecondition");
});

test("a viewer reads but cannot save, import, restore or change folders", async () => {
  const v = client(a, tokens.viewer);
  expect((await v.getDashboard({ uid: "mine" })).dashboard!.meta!.uid).toBe("mine");
  // Each call is made in its turn: a refusal arriving before its handler is attached fails
  // whichever test bun:test is running.
  const calls = [
    () => v.saveDashboard({ json: JSON.stringify({ title: "x" }) }),
    () => v.importDashboard({ json: redis }),
    () => v.restoreVersion({ uid: "mine", version: 1n }),
    () => v.deleteDashboard({ uid: "mine" }),
    () => v.createFolder({ title: "x" }),
  ];
  for (const call of calls) expect((await refusal(call()))[0]).toBe("PermissionDenied");
});

test("a dashboard larger than nats-server's 1 MiB max_payload is stored in parts", async () => {
  // Random text barely compresses: ~3.4 MB of JSON is ~2.6 MB of zstd, six parts.
  const noise = Buffer.from(crypto.getRandomValues(new Uint8Array(2_500_000))).toString("base64");
  const json = JSON.stringify({
    title: "Big",
    uid: "big",
    panels: [{ type: "text", options: { content: noise } }],
  });
  await client(a, tokens.editor, true).saveDashboard({ json });
  const got = await eventually(
    () => refusal(client(b, tokens.viewer, true).getDashboard({ uid: "big" })),
    ([c]) => c === "ok",
  );
  expect(got[0]).toBe("ok");
  expect((await a.dashboards!.version("default", "big", 1)).meta.parts).toBeGreaterThan(4);
  const back = await client(b, tokens.viewer, true).getDashboard({ uid: "big" });
  expect(JSON.parse(back.dashboard!.json).panels[0].options.content).toBe(noise);
});

test("export clears id, and for sharing declares Outpost's Prometheus as an input", async () => {
  const v = client(b, tokens.viewer);
  const plain = JSON.parse((await v.exportDashboard({ uid: "redis-node-full-JSON" })).json);
  expect(plain.id).toBeNull();
  const shared = (await v.exportDashboard({ uid: "redis-node-full-JSON", shareExternally: true }))
    .json;
  expect(shared).not.toContain(PROMETHEUS_UID);
  expect(JSON.parse(shared).__inputs).toEqual([
    expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" }),
  ]);
});

test.each([
  ["not JSON", { json: "{" }, "json"],
  ["no title", { json: "{}" }, "json.title"],
  ["a bad uid", { json: '{"title": "t", "uid": "a/b"}' }, "json.uid"],
  ["panels that are not a list", { json: '{"title": "t", "panels": "nope"}' }, "json.panels"],
  ["rows that are not a list", { json: '{"title": "t", "rows": {}}' }, "json.rows"],
  ["an unknown folder", { json: '{"title": "t"}', folderUid: "nope" }, "folder_uid"],
])("a save with %s is invalid_argument naming the field", async (_, req, field) => {
  const [code, message] = await refusal(client(a, tokens.editor).saveDashboard(req));
  expect(code).toBe("InvalidArgument");
  expect(message).toStartWith(`Cannot accept ${field}: `);
});

test("a dashboard over dashboards.max_bytes is invalid_argument naming json", async () => {
  // Aggregator b takes at most 1 MiB; a takes the default 4 MiB.
  const json = JSON.stringify({ title: "t", pad: "x".repeat(1024 * 1024) });
  const [code, message] = await refusal(client(b, tokens.editor, true).saveDashboard({ json }));
  expect([code, message]).toEqual([
    "InvalidArgument",
    `Cannot accept json: it is ${json.length} bytes, more than the 1048576 allowed`,
  ]);
  expect((await refusal(client(a, tokens.editor, true).saveDashboard({ json })))[0]).toBe("ok");
});
