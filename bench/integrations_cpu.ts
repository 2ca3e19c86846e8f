/**
 * CPU per collection of the integrations' collectors against the official exporters
 * (Debian's postgres_exporter 0.11, redis_exporter 1.45, mysqld_exporter 0.14,
 * nginx-prometheus-exporter 0.11, haproxy_exporter 0.14 (both through the stats socket) and
 * apache_exporter 0.12) scraping the same instance in the same run. The issue's goal:
 * at most half the exporter's. memcached and NATS have no exporter in Debian: Outpost's figure
 * alone. RabbitMQ's peer is its own Prometheus plugin: the node's CPU per scrape of it, beside
 * the node's CPU per management-API collection and the agent's CPU for each path. HAProxy is
 * also collected through its built-in Prometheus exporter (relayed, HAProxy's own names), with
 * HAProxy's own CPU per collection on each path (it renders the page or answers the socket).
 *
 * Each side does N collections back to back after a warm-up. The exporter's CPU is its
 * process's utime + stime from /proc over its N scrapes (the HTTP exposition included: that
 * is what collecting through it costs). Outpost's collector runs in a child process of its
 * own (this script with --child), measured the same way over its N collections into a
 * MetricWriter that keeps nothing.
 *
 *   bun bench/integrations_cpu.ts [--collections 200]
 *     [--only postgres,redis,mysql,nginx,haproxy,apache,memcached,nats,rabbitmq]
 */
import { parseArgs } from "node:util";
import type { MetricWriter } from "../agent/pipeline/emitter.ts";
import { ApacheCollector } from "../agent/sources/integrations/apache/collector.ts";
import type { IntegrationCollector } from "../agent/sources/integrations/collector.ts";
import { HaproxyCollector } from "../agent/sources/integrations/haproxy/collector.ts";
import { MemcachedCollector } from "../agent/sources/integrations/memcached/collector.ts";
import { MysqlCollector } from "../agent/sources/integrations/mysql/collector.ts";
import { NatsCollector } from "../agent/sources/integrations/nats/collector.ts";
import { NginxCollector } from "../agent/sources/integrations/nginx/collector.ts";
import { PostgresCollector } from "../agent/sources/integrations/postgres/collector.ts";
import { RabbitmqCollector } from "../agent/sources/integrations/rabbitmq/collector.ts";
import { RedisCollector } from "../agent/sources/integrations/redis/collector.ts";
import { startApache, startApacheExporter } from "../test/harness/apache.ts";
import { startHaproxy, startHaproxyExporter } from "../test/harness/haproxy.ts";
import { MONITOR, startMariadb, startMysqldExporter } from "../test/harness/mariadb.ts";
import {
  seedMemcached,
  startMemcached,
  startNats,
  startRabbitmq,
} from "../test/harness/mq_services.ts";
import { startNginx, startNginxExporter } from "../test/harness/nginx.ts";
import { startPostgresExporter, startRedisExporter } from "../test/harness/service_exporters.ts";
import { startPostgres, startRedis } from "../test/harness/services.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    collections: { type: "string", default: "200" },
    child: { type: "string" },
    address: { type: "string" },
    only: { type: "string" },
  },
  strict: false,
});
const N = Number(flags.collections);
const only = flags.only ? String(flags.only).split(",") : null;
const wanted = (kind: string) => only === null || only.includes(kind);

/** A writer that counts and keeps nothing: the pipeline's cost is not the collector's. */
const sink: MetricWriter & { samples: number } = {
  samples: 0,
  family() {},
  sample() {
    this.samples++;
  },
};

function collectorFor(kind: string, address: string): IntegrationCollector {
  if (kind === "postgres") {
    const [host, port] = address.split(":");
    return new PostgresCollector({
      host,
      port: Number(port),
      user: "postgres",
      database: "postgres",
    });
  }
  if (kind === "mysql")
    return new MysqlCollector({
      address,
      user: MONITOR.user,
      password: async () => MONITOR.password,
    });
  if (kind === "nginx") return new NginxCollector({ statusUrl: address });
  if (kind === "haproxy") return new HaproxyCollector({ socket: address });
  if (kind === "haproxy_relay") return new HaproxyCollector({ prometheusUrl: address });
  if (kind === "apache") return new ApacheCollector({ statusUrl: address });
  if (kind === "memcached") return new MemcachedCollector({ address });
  if (kind === "nats") return new NatsCollector({ monitorUrl: address });
  if (kind === "rabbitmq_plugin")
    return new RabbitmqCollector({ prometheusUrl: address, user: "guest" });
  if (kind === "rabbitmq_api")
    return new RabbitmqCollector({ managementUrl: address, user: "guest" });
  return new RedisCollector({ address });
}

/** Child: warm up, say "ready", wait for a line, collect N times, say "done <samples>". */
async function child(kind: string, address: string): Promise<void> {
  const c = collectorFor(kind, address);
  await c.collect(sink, 10_000);
  console.log("ready");
  for await (const _ of console) break;
  sink.samples = 0;
  for (let i = 0; i < N; i++) await c.collect(sink, 10_000);
  console.log(`done ${sink.samples / N}`);
  await c.close();
}

/** Outpost's collector in a child process: CPU seconds over its N collections. */
async function outpostCpu(
  kind: string,
  address: string,
): Promise<{ cpu: number; samples: number }> {
  const proc = Bun.spawn(
    ["bun", import.meta.path, "--child", kind, "--address", address, "--collections", String(N)],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit" },
  );
  const lines = (async function* () {
    let buf = "";
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      buf += new TextDecoder().decode(chunk);
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        yield buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
    }
  })();
  const next = async () => (await lines.next()).value ?? "";
  if ((await next()) !== "ready")
    throw new Error(`Cannot measure the ${kind} collector: its child did not start`);
  const before = cpuSeconds(proc.pid);
  proc.stdin.write("go\n");
  await proc.stdin.flush();
  const done = await next();
  const cpu = cpuSeconds(proc.pid) - before;
  proc.stdin.end();
  await proc.exited;
  return { cpu, samples: Number(done.split(" ")[1]) };
}

/** The exporter: CPU seconds of its process over N scrapes. */
async function exporterCpu(exporter: { pid: number; scrape(): Promise<string> }): Promise<number> {
  await exporter.scrape();
  const before = cpuSeconds(exporter.pid);
  for (let i = 0; i < N; i++) await exporter.scrape();
  return cpuSeconds(exporter.pid) - before;
}

async function compare(
  kind: string,
  address: string,
  exporter: { pid: number; scrape(): Promise<string> },
) {
  progress(`${kind}: ${N} collections by the exporter, then by Outpost's collector`);
  const theirs = await exporterCpu(exporter);
  const ours = await outpostCpu(kind, address);
  report(`integrations_${kind}_exporter_cpu_per_collection`, (theirs / N) * 1000, "ms");
  report(`integrations_${kind}_outpost_cpu_per_collection`, (ours.cpu / N) * 1000, "ms");
  report(`integrations_${kind}_outpost_to_exporter_cpu_ratio`, ours.cpu / theirs, "ratio");
  report(`integrations_${kind}_outpost_samples_per_collection`, ours.samples, "samples");
}

/** Outpost's figure alone, for a service no Debian exporter collects. */
async function alone(kind: string, address: string) {
  progress(`${kind}: ${N} collections by Outpost's collector (no exporter to compare in Debian)`);
  const ours = await outpostCpu(kind, address);
  report(`integrations_${kind}_outpost_cpu_per_collection`, (ours.cpu / N) * 1000, "ms");
  report(`integrations_${kind}_outpost_samples_per_collection`, ours.samples, "samples");
}

/** RabbitMQ: the node's CPU per plugin scrape and per API collection, and the agent's for each. */
async function rabbitmq() {
  const node = await startRabbitmq(90_000);
  if (typeof node === "string") return progress(`rabbitmq: skipped, ${node}`);
  try {
    const plugin = { pid: node.pid, scrape: () => fetch(node.prometheusUrl).then((r) => r.text()) };
    progress(`rabbitmq: ${N} scrapes of the plugin, then Outpost through the plugin and the API`);
    const theirs = await exporterCpu(plugin);
    report("integrations_rabbitmq_node_cpu_per_plugin_scrape", (theirs / N) * 1000, "ms");
    for (const [path, url] of [
      ["plugin", node.prometheusUrl],
      ["api", node.managementUrl],
    ]) {
      const before = cpuSeconds(node.pid);
      const ours = await outpostCpu(`rabbitmq_${path}`, url);
      // The node's CPU over the agent's run: the API path makes the node answer 3-4 requests.
      const nodeCpu = cpuSeconds(node.pid) - before;
      report(
        `integrations_rabbitmq_${path}_outpost_cpu_per_collection`,
        (ours.cpu / N) * 1000,
        "ms",
      );
      report(`integrations_rabbitmq_${path}_node_cpu_per_collection`, (nodeCpu / N) * 1000, "ms");
      report(
        `integrations_rabbitmq_${path}_outpost_samples_per_collection`,
        ours.samples,
        "samples",
      );
    }
  } finally {
    await node.stop();
  }
}

/**
 * HAProxy through the stats socket and through its built-in exporter (relayed): the agent's
 * CPU per collection on each, and HAProxy's own over the same collections.
 */
async function haproxyPaths(haproxy: { pid: number; socket: string; prometheusUrl: string }) {
  progress(`haproxy: ${N} collections through the socket, then through the relay`);
  for (const [path, kind, address] of [
    ["socket", "haproxy", haproxy.socket],
    ["relay", "haproxy_relay", haproxy.prometheusUrl],
  ]) {
    const before = cpuSeconds(haproxy.pid);
    const ours = await outpostCpu(kind, address);
    const served = cpuSeconds(haproxy.pid) - before;
    report(`integrations_haproxy_${path}_outpost_cpu_per_collection`, (ours.cpu / N) * 1000, "ms");
    report(`integrations_haproxy_${path}_haproxy_cpu_per_collection`, (served / N) * 1000, "ms");
    report(`integrations_haproxy_${path}_outpost_samples_per_collection`, ours.samples, "samples");
  }
}

async function main(): Promise<void> {
  const teardown = new Teardown();
  try {
    if (wanted("postgres")) {
      const pg = await startPostgres();
      teardown.defer("PostgreSQL", () => pg.stop());
      const pgExporter = await startPostgresExporter(pg.dsn);
      teardown.defer("postgres_exporter", () => pgExporter.stop());
      await compare("postgres", `127.0.0.1:${pg.port}`, pgExporter);
    }
    if (wanted("redis")) {
      const redis = await startRedis();
      teardown.defer("Redis", () => redis.stop());
      const redisExporter = await startRedisExporter(redis.address);
      teardown.defer("redis_exporter", () => redisExporter.stop());
      await compare("redis", redis.address, redisExporter);
    }
    if (wanted("mysql")) {
      // Both over TCP as the same monitoring user, so neither gets the socket's shortcut.
      const db = await startMariadb();
      teardown.defer("MariaDB", () => db.stop());
      const mysqlExporter = await startMysqldExporter(db);
      teardown.defer("mysqld_exporter", () => mysqlExporter.stop());
      await compare("mysql", db.address, mysqlExporter);
    }
    if (wanted("nginx")) {
      const nginx = await startNginx();
      teardown.defer("nginx", () => nginx.stop());
      const nginxExporter = await startNginxExporter(nginx.statusUrl);
      teardown.defer("nginx-prometheus-exporter", () => nginxExporter.stop());
      await compare("nginx", nginx.statusUrl, nginxExporter);
    }
    if (wanted("haproxy")) {
      const haproxy = await startHaproxy({ prometheus: true });
      teardown.defer("HAProxy", () => haproxy.stop());
      const haproxyExporter = await startHaproxyExporter(`unix:${haproxy.socket}`);
      teardown.defer("haproxy_exporter", () => haproxyExporter.stop());
      await compare("haproxy", haproxy.socket, haproxyExporter);
      await haproxyPaths(haproxy);
    }
    if (wanted("apache")) {
      const apache = await startApache();
      teardown.defer("Apache", () => apache.stop());
      const apacheExporter = await startApacheExporter(apache.statusUrl);
      teardown.defer("apache_exporter", () => apacheExporter.stop());
      await compare("apache", apache.statusUrl, apacheExporter);
    }
    if (wanted("memcached")) {
      const mc = await startMemcached();
      teardown.defer("memcached", () => mc.stop());
      await seedMemcached(mc);
      await alone("memcached", mc.address);
    }
    if (wanted("nats")) {
      const nats = await startNats();
      teardown.defer("nats-server", () => nats.stop());
      await alone("nats", nats.monitorUrl as string);
    }
    if (wanted("rabbitmq")) await rabbitmq();
  } finally {
    await teardown.run();
  }
}

if (flags.child) await child(String(flags.child), String(flags.address));
else await main();
