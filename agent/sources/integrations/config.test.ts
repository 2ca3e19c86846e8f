import { describe, expect, test } from "bun:test";
import { parseAgentConfig } from "../../config/load.ts";

const parse = (yaml: string) =>
  parseAgentConfig(yaml, "/etc/outpost/agent.yaml", { hostname: "h" }).integrations;

describe("integrations config", () => {
  test("resolves password files against the config's folder and keeps env names", () => {
    const c = parse(`
integrations:
  autodetect: true
  interval: 30s
  defaults: { postgres: { user: monitor, password_file: secrets/pg } }
  postgres:
    - { host: /var/run/postgresql, port: 5433, password_env: PGPASS }
    - { dsn: "postgres://monitor@db.internal:5432/postgres" }
  redis:
    - { address: "127.0.0.1:6379", password_file: /etc/redis/pass }
    - { address: /run/redis/redis.sock }
`);
    expect(c.autodetect).toBe(true);
    expect(c.interval).toBe(30_000);
    expect(c.defaults.postgres).toEqual({
      user: "monitor",
      database: "postgres",
      password_file: "/etc/outpost/secrets/pg",
    });
    expect(c.postgres[0]).toMatchObject({
      host: "/var/run/postgresql",
      port: 5433,
      password_env: "PGPASS",
    });
    expect(c.redis.map((r) => r.address)).toEqual(["127.0.0.1:6379", "/run/redis/redis.sock"]);
  });

  test("reads MySQL instances and logs in to detected ones as root unless told otherwise", () => {
    const c = parse(`
integrations:
  mysql:
    - { address: "db.internal:3306", user: outpost, password_file: secrets/mysql }
    - { address: /run/mysqld/mysqld.sock }
`);
    expect(c.defaults.mysql).toEqual({ user: "root" });
    expect(c.mysql).toEqual([
      { address: "db.internal:3306", user: "outpost", password_file: "/etc/outpost/secrets/mysql" },
      { address: "/run/mysqld/mysqld.sock", user: "root" },
    ]);
  });

  test("reads nginx instances with their log files against the config's folder", () => {
    const c = parse(`
integrations:
  nginx:
    - { status_url: "http://127.0.0.1:8080/stub_status", access_log: logs/access.log }
`);
    expect(c.logs).toBe(true);
    expect(c.nginx).toEqual([
      {
        status_url: "http://127.0.0.1:8080/stub_status",
        access_log: "/etc/outpost/logs/access.log",
        error_log: undefined,
      },
    ]);
  });

  test("reads HAProxy and Apache instances with their log files against the config's folder", () => {
    const c = parse(`
integrations:
  haproxy:
    - { socket: run/admin.sock, log: logs/haproxy.log }
    - { stats_url: "http://10.0.0.8:8404/stats;csv" }
    - { prometheus_url: "http://127.0.0.1:8405/metrics" }
  apache:
    - { status_url: "http://127.0.0.1/server-status?auto", error_log: logs/error.log }
`);
    expect(c.haproxy).toEqual([
      {
        socket: "/etc/outpost/run/admin.sock",
        log: "/etc/outpost/logs/haproxy.log",
        stats_url: undefined,
      },
      { stats_url: "http://10.0.0.8:8404/stats;csv", socket: undefined, log: undefined },
      { prometheus_url: "http://127.0.0.1:8405/metrics", socket: undefined, log: undefined },
    ]);
    expect(c.apache).toEqual([
      {
        status_url: "http://127.0.0.1/server-status?auto",
        access_log: undefined,
        error_log: "/etc/outpost/logs/error.log",
      },
    ]);
  });

  test("reads memcached and nats-server log files against the config's folder", () => {
    const c = parse(`
integrations:
  memcached:
    - { address: "127.0.0.1:11211", log: logs/memcached.log }
    - { address: /run/memcached/memcached.sock }
  nats:
    - { monitor_url: "http://127.0.0.1:8222", log: /var/log/nats.log }
`);
    expect(c.memcached.map((m) => m.log)).toEqual(["/etc/outpost/logs/memcached.log", undefined]);
    expect(c.nats.map((n) => n.log)).toEqual(["/var/log/nats.log"]);
  });

  test.each([
    [
      "an HAProxy with neither socket nor stats_url",
      "haproxy: [{ log: /x }]",
      "set one of socket, stats_url or prometheus_url",
    ],
    [
      "an HAProxy with both socket and stats_url",
      `haproxy: [{ socket: /s, stats_url: "http://h/stats;csv" }]`,
      "set one of socket, stats_url or prometheus_url",
    ],
    [
      "an HAProxy with both socket and prometheus_url",
      `haproxy: [{ socket: /s, prometheus_url: "http://h:8405/metrics" }]`,
      "set one of socket, stats_url or prometheus_url",
    ],
    ["an Apache status_url that is not http", `apache: [{ status_url: "file:///x" }]`, "http://"],
    [
      "a password in a DSN",
      `postgres: [{ dsn: "postgres://u:secret@h/db" }]`,
      "must not contain a password",
    ],
    ["a password in the config", `redis: [{ address: "h:1", password: x }]`, "password"],
    [
      "both dsn and host",
      `postgres: [{ dsn: "postgres://u@h/db", host: h }]`,
      "set either dsn or host",
    ],
    ["neither dsn nor host", "postgres: [{ port: 5432 }]", "set either dsn or host"],
    [
      "two password sources",
      `redis: [{ address: "h:1", password_file: f, password_env: E }]`,
      "not both",
    ],
    ["an address without a port", `redis: [{ address: "localhost" }]`, "host:port"],
    ["a MySQL address without a port", `mysql: [{ address: "db" }]`, "host:port"],
    ["a MySQL password in the config", `mysql: [{ address: "h:1", password: x }]`, "password"],
    [
      "two MySQL password sources",
      "defaults: { mysql: { password_file: f, password_env: E } }",
      "not both",
    ],
    ["an nginx status_url that is not http", `nginx: [{ status_url: "ftp://h/s" }]`, "http://"],
    [
      "a timeout longer than the interval",
      "interval: 5s\n  timeout: 10s",
      "must not exceed interval",
    ],
  ])("rejects %s", (_, body, message) => {
    expect(() => parse(`integrations:\n  ${body}\n`)).toThrow(message);
  });
});
