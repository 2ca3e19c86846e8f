/**
 * The integration packs' dashboards in headless Chromium over real data: a real agent
 * collects PostgreSQL, Redis, MariaDB, nginx, HAProxy and Apache (started by the harness) and a
 * busy cgroup the test makes as a container into an in-process aggregator, which offers the packs;
 * systemd units, as no host here boots systemd, are the parser fixture's series sent as the
 * host source would send them over the last five minutes; each pack's dashboard, found in the Integrations folder,
 * renders without an error panel and with data in every panel but those listed (with why).
 * Screenshots in light and dark go to test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { RedisClient } from "bun";
import type { Browser } from "playwright-core";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { DashboardsService } from "../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { startTestAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { startApache, type TestApache } from "../harness/apache.ts";
import { launchChromium } from "../harness/browser.ts";
import { canMakeCgroups, makeBusyCgroup, type TestCgroup } from "../harness/cgroup.ts";
import { renderAll } from "../harness/dashboards.ts";
import { startHaproxy, type TestHaproxy } from "../harness/haproxy.ts";
import { MONITOR, startMariadb, type TestMariadb } from "../harness/mariadb.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startNginx, type TestNginx } from "../harness/nginx.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";
import { sendSystemdFixture } from "../harness/systemd_fixture.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");

/** Panels that stay empty on a fresh, idle service, and why. */
const EMPTY_WHEN_IDLE: Record<string, string[]> = {
  postgres: [],
  redis: [],
  mysql: [],
  nginx: [],
  haproxy: [],
  apache: [],
  // This VM's blkio controller counts no I/O (even the root cgroup reads Total 0).
  containers: ["Block I/O read and written"],
  systemd: [],
};

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
let agent: Agent;
let browser: Browser;
let pg: TestPostgres;
let redis: TestRedis;
let db: TestMariadb;
let nginx: TestNginx;
let haproxy: TestHaproxy;
let apache: TestApache;
let cgroup: TestCgroup | null = null;

beforeAll(async () => {
  const build = buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-packs-"));
  if (canMakeCgroups()) cgroup = await makeBusyCgroup(`outpost-ui-packs-${process.pid}`);
  [nats, pg, redis, db, nginx, haproxy, apache] = await Promise.all([
    startNatsServer(),
    startPostgres(),
    startRedis(),
    startMariadb(),
    startNginx(),
    startHaproxy(),
    startApache(),
  ]);
  agg = await startInProcessAggregator(dir, nats.url, "packs: {check_interval: 500ms}\n");
  await sendSystemdFixture(nats.url, "fixture");
  writeFileSync(join(dir, "mysql-password"), `${MONITOR.password}\n`);
  const config = {
    agent: { id: "packs", http_listen: "127.0.0.1:0" },
    // The access-log metrics are written every scrape interval.
    global: { scrape_interval: "1s" },
    nats: { url: nats.url },
    batch: { max_wait: "500ms" },
    spool: { dir: join(dir, "spool") },
    integrations: {
      // Six services in one agent on a loaded machine: 1 s and 2 s timeouts made collections
      // fail (`<prefix>_up 0`, the rest stale), and stat panels show nothing then.
      interval: "4s",
      timeout: "4s",
      postgres: [{ host: "127.0.0.1", port: pg.port, user: "postgres" }],
      redis: [{ address: redis.address }],
      mysql: [{ address: db.address, user: MONITOR.user, password_file: "mysql-password" }],
      nginx: [{ status_url: nginx.statusUrl, access_log: nginx.accessLog }],
      haproxy: [{ socket: haproxy.socket, log: haproxy.log }],
      apache: [{ status_url: apache.statusUrl, access_log: apache.accessLog }],
      ...(cgroup ? { containers: { collect: "always", cgroups: cgroup.id } } : {}),
    },
  };
  agent = await startTestAgent(stringify(config), dir);
  // Some traffic for the rates, hit ratios and access-log panels, over a few collections.
  await db.admin(
    "CREATE DATABASE packs; CREATE TABLE packs.t (i INT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO packs.t VALUES (1), (2);",
  );
  const client = new RedisClient(`redis://${redis.address}`);
  await client.set("present", "1");
  for (let i = 0; i < 25; i++) {
    await Promise.all([
      fetch(`${nginx.url}/`).then((r) => r.text()),
      fetch(`${nginx.url}/missing`).then((r) => r.text()),
      fetch(`${haproxy.url}/`).then((r) => r.text()),
      fetch(`${haproxy.url}/fail`).then((r) => r.text()),
      fetch(`${apache.url}/`).then((r) => r.text()),
      fetch(`${apache.url}/missing`).then((r) => r.text()),
      client.get("present"),
      client.get("absent"),
      db.admin("SELECT * FROM packs.t;"),
    ]);
    await Bun.sleep(400);
  }
  client.close();
  await build;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await agg?.stop();
  await Promise.all([
    pg?.stop(),
    redis?.stop(),
    db?.stop(),
    nginx?.stop(),
    haproxy?.stop(),
    apache?.stop(),
    cgroup?.remove(),
  ]);
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

test.each(["postgres", "redis", "mysql", "nginx", "haproxy", "apache", "containers", "systemd"])(
  "the %s pack's dashboard is offered and shows data",
  async (name) => {
    if (name === "containers" && !cgroup) {
      console.log("containers: skipped, cgroups cannot be made here (needs root and a tree)");
      return;
    }
    const dashboards = createClient(
      DashboardsService,
      createConnectTransport({ baseUrl: agg.url }),
    );
    const uid = `outpost-pack-${name}`;
    const listed = (await dashboards.searchDashboards({ folderUids: ["outpost-integrations"] }))
      .dashboards;
    expect(listed.map((d) => d.uid)).toContain(uid);

    for (const scheme of ["light", "dark"] as const) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.emulateMedia({ colorScheme: scheme });
      page.setDefaultTimeout(15_000);
      const report = await renderAll(page, `${agg.url}/d/${uid}?from=now-5m&to=now`, 25_000);
      for (const p of report.withoutData)
        console.log(`${name}: no data: ${p.title} [${p.state}] ${p.error}`);
      expect(report.withoutData.filter((p) => p.state === "error")).toEqual([]);
      expect(report.withoutData.map((p) => p.title)).toEqual(EMPTY_WHEN_IDLE[name]);
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({
        path: join(ARTIFACTS, `pack-${name}-${scheme}.png`),
        fullPage: true,
      });
      await page.close();
    }
  },
  60_000,
);
