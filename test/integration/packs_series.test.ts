/**
 * The packs query what the agent writes: every metric name in each pack's rules and dashboard
 * is produced by collecting a fresh instance of its service (PostgreSQL, Redis, MariaDB,
 * nginx, HAProxy, Apache, memcached, nats-server, RabbitMQ, started by the harness) with the
 * agent's collector (HAProxy's through its stats socket and its built-in exporter both), or, for status codes and request times, is one of the log metrics the
 * agent's log pipeline for it defines. RabbitMQ is collected through its management API, the
 * path with fewer families; its test is skipped, saying why, when the node does not start in time.
 * Containers are a cgroup the test makes (with a CPU quota, so throttling is counted) holding
 * a process; the host's are this machine's own (the host source's collectors over /proc, /sys
 * and /); systemd units are the parser's `systemctl show` fixture, as no host here boots
 * systemd (agent/sources/host/collectors/systemd/testdata/README.md). A name counts as
 * produced when a collection gives a sample of it, not only declares its family.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { selectCollectors } from "../../agent/sources/host/collectors/index.ts";
import { HOST_DEFAULT_COLLECTORS } from "../../agent/sources/host/config.ts";
import { NoDataError } from "../../agent/sources/host/errors.ts";
import { fixtureContext, RecordingWriter } from "../../agent/sources/host/testing.ts";
import { ApacheCollector } from "../../agent/sources/integrations/apache/collector.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { ContainersCollector } from "../../agent/sources/integrations/containers/collector.ts";
import { compileCgroups } from "../../agent/sources/integrations/containers/config.ts";
import { HaproxyCollector } from "../../agent/sources/integrations/haproxy/collector.ts";
import { MemcachedCollector } from "../../agent/sources/integrations/memcached/collector.ts";
import { MysqlCollector } from "../../agent/sources/integrations/mysql/collector.ts";
import { NatsCollector } from "../../agent/sources/integrations/nats/collector.ts";
import { NginxCollector } from "../../agent/sources/integrations/nginx/collector.ts";
import { PostgresCollector } from "../../agent/sources/integrations/postgres/collector.ts";
import { RabbitmqCollector } from "../../agent/sources/integrations/rabbitmq/collector.ts";
import { RedisCollector } from "../../agent/sources/integrations/redis/collector.ts";
import { REFUSED } from "../../agent/sources/integrations/runner.ts";
import { packDir } from "../../aggregator/packs/catalog.ts";
import { PACK_NAMES, type PackName } from "../../aggregator/packs/config.ts";
import { startApache, type TestApache } from "../harness/apache.ts";
import { canMakeCgroups, makeBusyCgroup, type TestCgroup } from "../harness/cgroup.ts";
import { startHaproxy, type TestHaproxy } from "../harness/haproxy.ts";
import { MONITOR, startMariadb, type TestMariadb } from "../harness/mariadb.ts";
import {
  seedMemcached,
  startMemcached,
  startNats,
  startRabbitmq,
  type TestMemcached,
  type TestNats,
  type TestRabbitmq,
} from "../harness/mq_services.ts";
import { startNginx, type TestNginx } from "../harness/nginx.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";
import { systemdFromFixture } from "../harness/systemd_fixture.ts";

const PREFIX: Record<PackName, string> = {
  node: "node",
  postgres: "pg",
  redis: "redis",
  mysql: "mysql",
  nginx: "nginx",
  haproxy: "haproxy",
  apache: "apache",
  memcached: "memcached",
  rabbitmq: "rabbitmq",
  nats: "(?:gnatsd|jetstream|nats)",
  containers: "container",
  systemd: "node_systemd",
};
/** The log metrics a pack may query: their prefix and the file of the pipeline defining them. */
const LOG_METRICS: Partial<Record<PackName, { prefix: string; file: string }>> = {
  nginx: { prefix: "outpost_nginx_access_", file: "nginx/logs.ts" },
  haproxy: { prefix: "outpost_haproxy_log_", file: "haproxy/logs.ts" },
  apache: { prefix: "outpost_apache_access_", file: "apache/logs.ts" },
};

let pg: TestPostgres;
let redis: TestRedis;
let db: TestMariadb;
let nginx: TestNginx;
let haproxy: TestHaproxy;
let apache: TestApache;
let memcached: TestMemcached;
let nats: TestNats;
let rabbit: TestRabbitmq | string;
let cgroup: TestCgroup | null = null;
beforeAll(async () => {
  if (canMakeCgroups()) {
    cgroup = await makeBusyCgroup(`outpost-packs-${process.pid}`);
    // A few enforcement periods, some of them throttled, before the collection.
    await Bun.sleep(500);
  }
  [pg, redis, db, nginx, haproxy, apache, memcached, nats, rabbit] = await Promise.all([
    startPostgres(),
    startRedis(),
    startMariadb(),
    startNginx(),
    // Its built-in exporter too: the pack reads HAProxy's own names beside the exporter's.
    startHaproxy({ prometheus: true }),
    startApache(),
    startMemcached(),
    startNats(),
    startRabbitmq(90_000),
  ]);
  await seedMemcached(memcached);
  if (typeof rabbit === "string") console.warn(`Skipping the rabbitmq pack's series: ${rabbit}`);
}, 180_000);
afterAll(async () => {
  const r = typeof rabbit === "string" ? undefined : rabbit;
  await Promise.all([
    pg?.stop(),
    redis?.stop(),
    db?.stop(),
    nginx?.stop(),
    haproxy?.stop(),
    apache?.stop(),
    memcached?.stop(),
    cgroup?.remove(),
  ]);
  await Promise.all([nats?.stop(), r?.stop()]);
}, 60_000);

/**
 * Names a pack queries that this machine gives no sample of, though the collector declares
 * them, and why.
 */
const NOT_SAMPLED_HERE: Partial<Record<PackName, Record<string, string>>> = {
  containers: {
    container_fs_reads_bytes_total: "this VM's blkio controller counts no I/O (even / is Total 0)",
    container_fs_writes_bytes_total: "this VM's blkio controller counts no I/O (even / is Total 0)",
  },
};

/** Packs whose integration has a collector the agent runs per service. */
type IntegrationPack = Exclude<PackName, "systemd" | "node">;

function collector(name: IntegrationPack): IntegrationCollector {
  switch (name) {
    case "postgres":
      return new PostgresCollector({
        host: "127.0.0.1",
        port: pg.port,
        user: "postgres",
        database: "postgres",
      });
    case "redis":
      return new RedisCollector({ address: redis.address });
    case "mysql":
      return new MysqlCollector({
        address: db.address,
        user: MONITOR.user,
        password: async () => MONITOR.password,
      });
    case "nginx":
      return new NginxCollector({ statusUrl: nginx.statusUrl });
    case "haproxy":
      return new HaproxyCollector({ socket: haproxy.socket });
    case "apache":
      return new ApacheCollector({ statusUrl: apache.statusUrl });
    case "memcached":
      return new MemcachedCollector({ address: memcached.address });
    case "nats":
      return new NatsCollector({ monitorUrl: nats.monitorUrl as string });
    case "rabbitmq": {
      const managementUrl = typeof rabbit === "string" ? undefined : rabbit.managementUrl;
      return new RabbitmqCollector({ managementUrl, user: "guest" });
    }
    case "containers":
      return new ContainersCollector({
        cgroupfs: "/sys/fs/cgroup",
        procfs: "/proc",
        sysfs: "/sys",
        include: compileCgroups(cgroup!.id),
        max: 10,
        sockets: [],
      });
  }
}

/**
 * Names with a sample in two collections (the second shows the command counts the first
 * caused), and the families declared; systemd's from its `systemctl show` fixture.
 */
async function produced(name: PackName): Promise<{ sampled: Set<string>; declared: Set<string> }> {
  const w = new RecordingWriter();
  if (name === "systemd") {
    await systemdFromFixture().collect(w, fixtureContext());
  } else if (name === "node") {
    // The host source's default collectors over this machine's /proc, /sys and /, twice (the
    // cpu collector's counters), as the agent runs them (systemd's: the pack above).
    const host = fixtureContext({ proc: "/proc", sys: "/sys", root: "/" }, Date.now());
    const defaults = selectCollectors(HOST_DEFAULT_COLLECTORS.filter((n) => n !== "systemd"));
    for (let i = 0; i < 2; i++)
      // A collector whose file this machine lacks (/proc/schedstat) writes nothing, as in
      // the agent; any other error fails the test.
      for (const c of defaults)
        try {
          await c.collect(w, host);
        } catch (err) {
          if (!(err instanceof NoDataError)) throw err;
        }
  } else {
    const collectors = [collector(name)];
    // HAProxy relayed from its built-in exporter, under HAProxy's own names.
    if (name === "haproxy")
      collectors.push(new HaproxyCollector({ prometheusUrl: haproxy.prometheusUrl }));
    for (const c of collectors)
      try {
        await c.collect(w, 10_000);
        await c.collect(w, 10_000);
      } finally {
        await c.close();
      }
  }
  return { sampled: new Set(w.samples.map((s) => s.name)), declared: new Set(w.families.keys()) };
}

/** The queries of a dashboard: its panels' targets and its variables. */
function dashboardQueries(text: string): string {
  const doc = JSON.parse(text) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query: string }[] };
  };
  return [
    ...doc.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...doc.templating.list.map((v) => v.query),
  ].join("\n");
}

/** Metric names a pack's rules and dashboard queries mention, each with the file that does. */
async function mentioned(name: PackName): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pattern = new RegExp(`\\b(?:${PREFIX[name]}|outpost)_[a-z_]*[a-z]\\b`, "g");
  for (const file of ["rules.yml", "rules.test.yml", "dashboard.json"]) {
    const raw = await Bun.file(join(packDir(name), file)).text();
    // Comments and descriptions name the exporters (`redis_exporter`), not metrics.
    const text = file.endsWith(".json") ? dashboardQueries(raw) : raw.replace(/^\s*#.*$/gm, "");
    for (const m of text.matchAll(pattern)) if (!out.has(m[0])) out.set(m[0], file);
  }
  return out;
}

test.each([...PACK_NAMES])(
  "every metric the %s pack queries is produced by the agent",
  async (name) => {
    if (name === "rabbitmq" && typeof rabbit === "string") return;
    if (name === "containers" && !cgroup) {
      console.log("containers: skipped, cgroups cannot be made here (needs root and a tree)");
      return;
    }
    const { sampled, declared } = await produced(name);
    const excused = NOT_SAMPLED_HERE[name] ?? {};
    const ours = new Set([...sampled, ...Object.keys(excused).filter((n) => declared.has(n))]);
    const names = await mentioned(name);
    expect(names.size).toBeGreaterThanOrEqual(5);
    const log = LOG_METRICS[name];
    const logs = log
      ? await Bun.file(join(import.meta.dir, "../../agent/sources/integrations", log.file)).text()
      : "";
    const missing = [...names]
      .filter(([n]) => {
        if (!n.startsWith("outpost_")) return !ours.has(n);
        // Written by the runner beside `<prefix>_up 0`, not by a healthy collection
        // (integrations_rules.test.ts collects a refusing and a stopped Redis for it).
        if (n === REFUSED.name) return false;
        if (!log || !n.startsWith(log.prefix)) return true;
        // The log metrics: a family the log pipeline defines, or its histogram series.
        const family = n.slice(log.prefix.length).replace(/_(bucket|sum|count)$/, "");
        return !logs.includes(`  ${family}: {`) && !logs.includes(`metrics.${family} = {`);
      })
      .map(([n, file]) => `${n} (${file})`);
    expect(missing).toEqual([]);
  },
  30_000,
);
