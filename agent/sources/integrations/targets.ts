/**
 * From config entries and detected services to the targets runners collect: a key that says
 * which service it is (so a configured one and a detected one are not collected twice), its
 * address, and a collector with the right login.
 */
import type { IntegrationsConfig } from "./config.ts";
import { containersTarget } from "./containers/target.ts";
import type { DetectedService } from "./detect/detect.ts";
import { configuredMqTargets, detectedMqTarget } from "./mq_targets.ts";
import { MysqlCollector } from "./mysql/collector.ts";
import { NginxCollector } from "./nginx/collector.ts";
import { detectedNginxLogs, nginxLogSources } from "./nginx/logs.ts";
import { PostgresCollector, serverLabel } from "./postgres/collector.ts";
import { RedisCollector } from "./redis/collector.ts";
import type { RunnerTarget } from "./runner.ts";
import { passwordGetter } from "./secrets.ts";
import { type DebianLogDirs, LOCAL, withServerLogs } from "./server_logs.ts";
import { configuredWebTargets, detectedWebTarget } from "./web_targets.ts";

type PostgresEntry = IntegrationsConfig["postgres"][number];
type RedisEntry = IntegrationsConfig["redis"][number];
type MysqlEntry = IntegrationsConfig["mysql"][number];
type NginxEntry = IntegrationsConfig["nginx"][number];

/** The targets the config lists. */
export function configuredTargets(
  config: IntegrationsConfig,
  logDirs?: DebianLogDirs,
): RunnerTarget[] {
  return [
    ...config.postgres.map(postgresTarget),
    ...config.redis.map(redisTarget),
    ...config.mysql.map(mysqlTarget),
    ...config.nginx.map(nginxTarget),
    ...configuredWebTargets(config),
    ...(config.containers.collect === "always"
      ? [containersTarget(config.containers, config.procfs, "config")]
      : []),
    ...configuredMqTargets(config),
  ].map((t) => withServerLogs(t, config.timeout, logDirs));
}

/** A configured nginx: keyed by its status URL's port when local, so a detected twin is one. */
function nginxTarget(e: NginxEntry): RunnerTarget {
  const url = new URL(e.status_url);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const address = `${url.hostname}:${port}`;
  const key = LOCAL.test(url.hostname) ? `nginx:${port}` : `nginx:${address}`;
  const logs = async () =>
    nginxLogSources({
      key,
      instance: address,
      access: e.access_log ? [e.access_log] : [],
      error: e.error_log ? [e.error_log] : [],
    });
  const collector = new NginxCollector({ statusUrl: e.status_url });
  return { key, address, how: "config", pid: 0, collector, logs };
}

function postgresTarget(e: PostgresEntry): RunnerTarget {
  const collector = new PostgresCollector({
    dsn: e.dsn,
    host: e.host,
    port: e.port,
    user: e.user,
    database: e.database,
    password: passwordGetter(e),
  });
  const server = serverLabel(e);
  const [host, port] = [
    server.slice(0, server.lastIndexOf(":")),
    server.slice(server.lastIndexOf(":") + 1),
  ];
  const key = LOCAL.test(host) ? `postgres:${port}` : `postgres:${server}`;
  return { key, address: server, how: "config", pid: 0, collector };
}

function redisTarget(e: RedisEntry): RunnerTarget {
  const collector = new RedisCollector({
    address: e.address,
    username: e.username,
    password: passwordGetter(e),
  });
  const colon = e.address.lastIndexOf(":");
  const local = !e.address.startsWith("/") && LOCAL.test(e.address.slice(0, colon));
  const key = local ? `redis:${e.address.slice(colon + 1)}` : `redis:${e.address}`;
  return { key, address: e.address, how: "config", pid: 0, collector };
}

function mysqlTarget(e: MysqlEntry): RunnerTarget {
  const collector = new MysqlCollector({
    address: e.address,
    user: e.user,
    password: passwordGetter(e),
  });
  // A socket path is its own key: which port it serves is not known without asking the server.
  const colon = e.address.lastIndexOf(":");
  const local = !e.address.startsWith("/") && LOCAL.test(e.address.slice(0, colon));
  const key = local ? `mysql:${e.address.slice(colon + 1)}` : `mysql:${e.address}`;
  return { key, address: e.address, how: "config", pid: 0, collector };
}

/** The target of a detected service, logging in with the config's `defaults`. */
export function detectedTarget(
  s: DetectedService,
  config: IntegrationsConfig,
  logDirs?: DebianLogDirs,
): RunnerTarget {
  return withServerLogs(detectedCollector(s, config), config.timeout, logDirs);
}

function detectedCollector(s: DetectedService, config: IntegrationsConfig): RunnerTarget {
  const web = detectedWebTarget(s);
  if (web) return web;
  if (s.kind === "containers") return containersTarget(config.containers, config.procfs, s.how);
  const mq = detectedMqTarget(s, config);
  if (mq) return mq;
  const base = { key: s.key, how: s.how, pid: s.pid } as const;
  if (s.kind === "nginx") {
    const collector = new NginxCollector({ ports: s.ports ?? [s.port] });
    const logs = () => detectedNginxLogs(s.key, s.address, s.cmdline ?? "");
    return { ...base, address: s.address, collector, logs };
  }
  if (s.kind === "postgres") {
    const d = config.defaults.postgres;
    // A socket file: connect through its directory, as libpq's host=/dir does.
    const host = s.address.startsWith("/")
      ? s.address.slice(0, s.address.lastIndexOf("/"))
      : s.address.slice(0, s.address.lastIndexOf(":"));
    const target = {
      host: host.replace(/^\[(.*)\]$/, "$1"),
      port: s.port,
      user: d.user,
      database: d.database,
      password: passwordGetter(d),
    };
    return { ...base, address: serverLabel(target), collector: new PostgresCollector(target) };
  }
  if (s.kind === "mysql") {
    const d = config.defaults.mysql;
    const target = { address: s.address, user: d.user, password: passwordGetter(d) };
    return { ...base, address: s.address, collector: new MysqlCollector(target) };
  }
  const d = config.defaults.redis;
  const collector = new RedisCollector({
    address: s.address,
    username: d.username,
    password: passwordGetter(d),
  });
  return { ...base, address: s.address, collector };
}
