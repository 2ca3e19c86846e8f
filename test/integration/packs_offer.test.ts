/**
 * Integration packs offered by a real in-process aggregator on a real nats-server: series
 * `pg_up`, `redis_up`, `nginx_up`, `container_scrape_error` and `node_systemd_unit_state` arrive through ingest as an agent sends them, and then
 * the packs' groups show in ListRules and /api/v1/rules and run, and their dashboards are
 * listed by SearchDashboards in the Integrations folder; a user's dashboard under a pack's
 * uid is left as it is; a disabled pack, or packs switched off, offer nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const MARKERS = {
  postgres: { __name__: "pg_up", job: "postgres", instance: "/var/run/postgresql:5432" },
  redis: { __name__: "redis_up", job: "redis", instance: "127.0.0.1:6379" },
  nginx: { __name__: "nginx_up", job: "nginx", instance: "127.0.0.1:80" },
  containers: { __name__: "container_scrape_error", job: "containers", instance: "/sys/fs/cgroup" },
  systemd: {
    __name__: "node_systemd_unit_state",
    job: "node",
    instance: "web1",
    name: "ssh.service",
    state: "active",
    type: "notify",
  },
};
const ALL_FIVE = ["pack:containers", "pack:nginx", "pack:postgres", "pack:redis", "pack:systemd"];

/** One aggregator on its own nats-server, with clients of its APIs. */
interface Stack {
  nats: NatsServerHandle;
  nc: NatsConnection;
  dir: string;
  agg: Aggregator;
  alerts: Client<typeof AlertsService>;
  dashboards: Client<typeof DashboardsService>;
  /** Stops the aggregator and starts a new one on the same bucket and nats-server. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startStack(packsYaml: string, moreYaml = ""): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-packs-"));
  const nats = await startNatsServer();
  const yaml = `global: {evaluation_interval: 1s}\npacks: ${packsYaml}\n${moreYaml}`;
  const nc = await connectTo(nats.url);
  const s = { nats, nc, dir } as Stack;
  const open = async () => {
    s.agg = await startInProcessAggregator(dir, nats.url, yaml);
    const transport = createConnectTransport({ baseUrl: s.agg.url });
    s.alerts = createClient(AlertsService, transport);
    s.dashboards = createClient(DashboardsService, transport);
  };
  await open();
  s.restart = async () => {
    await s.agg.stop();
    await open();
  };
  s.stop = async () => {
    await nc.close();
    await s.agg?.stop();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return s;
}

/** Sends each series with value 1 at the last two seconds, as a tenant's agent's batch. */
async function sendMarkers(
  s: Stack,
  series: Record<string, string>[],
  tenant = "default",
): Promise<void> {
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  const now = Date.now();
  for (const ts of [now - 1000, now]) {
    block.clear();
    for (const labels of series) block.push({ labels: labelsFromRecord(labels) }, ts, 1);
    enc.addBlock(block);
  }
  await publishBatch(s.nc, compress("lz4", enc.finish()), { tenant });
  await waitForAllAcked(s.nc);
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await Bun.sleep(100);
  }
}

const groupNames = async (s: Stack) =>
  (await s.alerts.listRules({})).groups.map((g) => g.name).filter((n) => n.startsWith("pack:"));
const dashboardsOf = async (s: Stack) =>
  (await s.dashboards.searchDashboards({})).dashboards.filter((d) =>
    d.uid.startsWith("outpost-pack-"),
  );

describe("packs on", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("{check_interval: 200ms}");
  }, 30_000);
  afterAll(() => s?.stop());

  test("nothing is offered before an integration's series arrive", async () => {
    await Bun.sleep(500);
    expect(await groupNames(s)).toEqual([]);
    expect(await dashboardsOf(s)).toEqual([]);
  });

  test("the arriving integrations' groups run and their dashboards are listed; a user's dashboard stays", async () => {
    const mine = JSON.stringify({ uid: "outpost-pack-nginx", title: "My own nginx", panels: [] });
    await s.dashboards.saveDashboard({ json: mine, folderUid: "", message: "mine" });
    await sendMarkers(s, Object.values(MARKERS));

    const groups = await eventually(
      () => groupNames(s),
      (g) => g.length === 5,
    );
    expect(groups.sort()).toEqual(ALL_FIVE);
    const http = (await (await fetch(`${s.agg.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string }[] };
    };
    expect(http.data.groups.map((g) => g.name).sort()).toEqual(groups.sort());

    // The groups are evaluated like any other: each reports an evaluation, and nothing fires.
    const evaluated = await eventually(
      async () => (await s.alerts.listRules({})).groups,
      (gs) => gs.every((g) => g.lastEvaluationMs > 0n),
    );
    expect(evaluated.every((g) => g.lastEvaluationMs > 0n)).toBe(true);
    for (const [group, alert] of [
      ["pack:redis", "RedisDown"],
      ["pack:containers", "ContainerKilled"],
      ["pack:systemd", "HostSystemdServiceCrashed"],
    ]) {
      const g = evaluated.find((x) => x.name === group);
      expect(g?.rules.map((r) => r.name)).toContain(alert);
      expect(g?.rules.every((r) => r.health === "ok")).toBe(true);
      // Every marker is 1: for cAdvisor's scrape error that is a failed collection, pending.
      const active = g?.rules.filter((r) => r.alerts.length > 0).map((r) => `${r.name} ${r.state}`);
      expect(active).toEqual(group === "pack:containers" ? ["ContainerScrapeError pending"] : []);
    }

    const dashboards = await eventually(
      () => dashboardsOf(s),
      (d) =>
        d.length === 5 &&
        ["redis", "containers", "systemd"].every((n) =>
          d.some((x) => x.uid === `outpost-pack-${n}`),
        ),
    );
    const byUid = new Map(dashboards.map((d) => [d.uid, d]));
    for (const name of ["postgres", "redis", "containers", "systemd"]) {
      const d = byUid.get(`outpost-pack-${name}`);
      expect(d?.folderUid).toBe("outpost-integrations");
      expect(d?.createdBy).toBe("outpost-packs");
      expect(d?.tags).toContain("outpost-pack");
    }
    expect(byUid.get("outpost-pack-nginx")).toMatchObject({
      title: "My own nginx",
      folderUid: "",
      version: 1n,
    });
    expect(byUid.has("outpost-pack-mysql")).toBe(false);
    const folders = (await s.dashboards.listFolders({})).folders;
    expect(folders.map((f) => f.title)).toContain("Integrations");
  }, 30_000);

  test("after a restart the packs come back and an edited pack dashboard is left as it is", async () => {
    const got = await s.dashboards.getDashboard({ uid: "outpost-pack-postgres" });
    const doc = JSON.parse(got.dashboard?.json ?? "");
    await s.dashboards.saveDashboard({
      json: JSON.stringify({ ...doc, title: "PostgreSQL, ours" }),
      folderUid: "outpost-integrations",
      message: "renamed",
    });
    await s.restart();
    // No new series: the markers stored before the restart are within `lookback`.
    const groups = await eventually(
      () => groupNames(s),
      (g) => g.length === 5,
    );
    expect(groups.sort()).toEqual(ALL_FIVE);
    await Bun.sleep(400);
    const after = await s.dashboards.getDashboard({ uid: "outpost-pack-postgres" });
    expect(after.dashboard?.meta?.title).toBe("PostgreSQL, ours");
    expect(after.dashboard?.meta?.version).toBe(2n);
    expect((await dashboardsOf(s)).length).toBe(5);
  }, 30_000);
});

describe("a disabled pack", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("{check_interval: 200ms, disabled: [redis, systemd]}");
  }, 30_000);
  afterAll(() => s?.stop());

  test("offers neither its group nor its dashboard; the others are offered", async () => {
    await sendMarkers(s, [MARKERS.postgres, MARKERS.redis, MARKERS.systemd]);
    const groups = await eventually(
      () => groupNames(s),
      (g) => g.length > 0,
    );
    await Bun.sleep(600);
    expect(await groupNames(s)).toEqual(["pack:postgres"]);
    expect(groups).toEqual(["pack:postgres"]);
    expect((await dashboardsOf(s)).map((d) => d.uid)).toEqual(["outpost-pack-postgres"]);
  }, 30_000);
});

describe("packs off", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("{enabled: false, check_interval: 200ms}");
  }, 30_000);
  afterAll(() => s?.stop());

  test("offer nothing when the series arrive", async () => {
    await sendMarkers(s, Object.values(MARKERS));
    await Bun.sleep(1_000);
    expect(await groupNames(s)).toEqual([]);
    expect(await dashboardsOf(s)).toEqual([]);
  }, 30_000);
});

describe("packs for tenants", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("{check_interval: 200ms}", "tenants: {acme: {}}\n");
  }, 30_000);
  afterAll(() => s?.stop());

  /** Clients of the APIs that ask for one tenant, as `X-Scope-OrgID` does. */
  function as(tenant: string) {
    const transport = createConnectTransport({
      baseUrl: s.agg.url,
      interceptors: [
        (next) => (req) => {
          req.header.set("X-Scope-OrgID", tenant);
          return next(req);
        },
      ],
    });
    return {
      alerts: createClient(AlertsService, transport),
      dashboards: createClient(DashboardsService, transport),
    } as Stack;
  }

  test("a pack is offered to the tenant whose series arrive, even one without rule files", async () => {
    await sendMarkers(s, [MARKERS.postgres], "acme");
    const acme = as("acme");
    expect(
      await eventually(
        () => groupNames(acme),
        (g) => g.length > 0,
      ),
    ).toEqual(["pack:postgres"]);
    expect(
      (
        await eventually(
          () => dashboardsOf(acme),
          (d) => d.length > 0,
        )
      ).map((d) => d.uid),
    ).toEqual(["outpost-pack-postgres"]);
    expect(await groupNames(as("default"))).toEqual([]);
    expect(await dashboardsOf(as("default"))).toEqual([]);
  }, 30_000);
});
