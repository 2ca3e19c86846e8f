import { describe, test } from "bun:test";
import { type Case, expectMatches, proc, tcp, unix } from "./testing.ts";

const cases: Case[] = [
  {
    name: "a postmaster is found by its socket file, preferred for connecting",
    processes: [proc(10, "postgres", [1, 2]), proc(11, "postgres", [])],
    tcp: [tcp("127.0.0.1", 5432, 1)],
    unix: [unix("/var/run/postgresql/.s.PGSQL.5432", 2)],
    want: [
      {
        key: "postgres:5432",
        how: "process",
        pid: 10,
        address: "/var/run/postgresql/.s.PGSQL.5432",
      },
    ],
  },
  {
    name: "a postmaster with TCP only is reached on loopback when bound to all addresses",
    processes: [proc(10, "postgres", [1])],
    tcp: [tcp("0.0.0.0", 5433, 1)],
    want: [{ key: "postgres:5433", address: "127.0.0.1:5433", port: 5433 }],
  },
  {
    name: "redis-server by its TCP port, IPv6 wildcard reached on ::1",
    processes: [proc(20, "redis-server", [5], "/usr/bin/redis-server *:6380")],
    tcp: [tcp("::", 6380, 5)],
    want: [{ kind: "redis", key: "redis:6380", address: "[::1]:6380", pid: 20 }],
  },
  {
    name: "redis-server on a Unix socket only",
    processes: [proc(20, "redis-server", [6])],
    unix: [unix("/run/redis/redis-server.sock", 6)],
    want: [
      {
        key: "redis:/run/redis/redis-server.sock",
        address: "/run/redis/redis-server.sock",
        port: 0,
      },
    ],
  },
  {
    name: "a renamed process is known by its program's file name",
    processes: [proc(21, "redis-rename", [5], "/usr/bin/redis-server 127.0.0.1:6379")],
    tcp: [tcp("127.0.0.1", 6379, 5)],
    want: [{ key: "redis:6379", pid: 21 }],
  },
  {
    name: "unreadable fds: a PostgreSQL socket name still tells, by socket",
    processes: [proc(10, "postgres", null)],
    unix: [unix("/tmp/.s.PGSQL.5432", 2)],
    want: [{ key: "postgres:5432", how: "socket", pid: 0, address: "/tmp/.s.PGSQL.5432" }],
  },
  {
    name: "unreadable fds of a redis-server: port 6379 is taken as its",
    processes: [proc(20, "redis-server", null)],
    tcp: [tcp("127.0.0.1", 6379, 5), tcp("127.0.0.1", 8080, 6)],
    want: [{ key: "redis:6379", how: "socket" }],
  },
  {
    name: "port 6379 with no redis-server process is not Redis",
    processes: [proc(30, "caddy", [5])],
    tcp: [tcp("127.0.0.1", 6379, 5)],
    want: [],
  },
  {
    name: "mariadbd is keyed by its TCP port and reached through its socket",
    processes: [proc(40, "mariadbd", [7, 8])],
    tcp: [tcp("127.0.0.1", 3306, 7)],
    unix: [unix("/run/mysqld/mysqld.sock", 8)],
    want: [
      {
        kind: "mysql",
        key: "mysql:3306",
        how: "process",
        pid: 40,
        address: "/run/mysqld/mysqld.sock",
        port: 3306,
      },
    ],
  },
  {
    name: "an nginx master by its lowest port, with every port for the status probe; workers skipped",
    processes: [
      proc(40, "nginx", [7, 8], "nginx: master process /usr/sbin/nginx -g daemon on;"),
      proc(41, "nginx", [7, 8], "nginx: worker process"),
    ],
    tcp: [tcp("0.0.0.0", 8080, 8), tcp("0.0.0.0", 80, 7), tcp("::", 80, 9)],
    want: [
      {
        kind: "nginx",
        key: "nginx:80",
        how: "process",
        pid: 40,
        address: "127.0.0.1:80",
        ports: [80, 8080],
        cmdline: "nginx: master process /usr/sbin/nginx -g daemon on;",
      },
    ],
  },
  {
    name: "mysqld with TCP only is reached on its port",
    processes: [proc(41, "mysqld", [7])],
    tcp: [tcp("0.0.0.0", 3307, 7)],
    want: [{ kind: "mysql", key: "mysql:3307", address: "127.0.0.1:3307" }],
  },
  {
    name: "mysqld with networking skipped is keyed by its socket",
    processes: [proc(41, "mysqld", [8])],
    unix: [unix("/var/lib/mysql/mysql.sock", 8)],
    want: [
      { key: "mysql:/var/lib/mysql/mysql.sock", address: "/var/lib/mysql/mysql.sock", port: 0 },
    ],
  },
  {
    name: "unreadable fds: the mysqld.sock name still tells, by socket",
    processes: [proc(40, "mariadbd", null)],
    unix: [unix("/run/mysqld/mysqld.sock", 8)],
    want: [{ kind: "mysql", how: "socket", pid: 0, address: "/run/mysqld/mysqld.sock" }],
  },
  {
    name: "unreadable fds of nginx: its usual web ports are taken as its",
    processes: [proc(40, "nginx", null, "nginx: master process /usr/sbin/nginx")],
    tcp: [tcp("0.0.0.0", 80, 7), tcp("127.0.0.1", 5432, 8)],
    want: [{ key: "nginx:80", how: "socket", pid: 0, ports: [80] }],
  },
  {
    name: "an nginx that listens on no TCP port is not collected",
    processes: [proc(40, "nginx", [])],
    want: [],
  },
  {
    name: "an HAProxy by its lowest port, with its stats socket as bound (.pid.tmp dropped), not the master CLI",
    processes: [
      proc(
        50,
        "haproxy",
        [1, 2, 3],
        "/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg -S /run/haproxy-master.sock",
      ),
    ],
    tcp: [tcp("0.0.0.0", 443, 1), tcp("0.0.0.0", 80, 2)],
    unix: [unix("/run/haproxy/admin.sock.50.tmp", 3), unix("/run/haproxy-master.sock", 3)],
    want: [
      {
        kind: "haproxy",
        key: "haproxy:80",
        address: "127.0.0.1:80",
        ports: [80, 443],
        socket: "/run/haproxy/admin.sock",
      },
    ],
  },
  {
    name: "an HAProxy proxying Unix sockets only is keyed by its stats socket",
    processes: [proc(50, "haproxy", [3])],
    unix: [unix("/run/haproxy/admin.sock", 3)],
    want: [{ key: "haproxy:/run/haproxy/admin.sock", address: "/run/haproxy/admin.sock", port: 0 }],
  },
  {
    name: "Apache's parent and children hold the same listeners: one service, the first process",
    processes: [
      proc(60, "apache2", [1], "/usr/sbin/apache2 -k start"),
      proc(61, "apache2", [1], "/usr/sbin/apache2 -k start"),
      proc(62, "httpd", [2], "/usr/sbin/httpd -DFOREGROUND"),
    ],
    tcp: [tcp("::", 80, 1), tcp("127.0.0.1", 8081, 2)],
    want: [
      { kind: "apache", key: "apache:80", pid: 60, address: "[::1]:80", ports: [80] },
      { kind: "apache", key: "apache:8081", pid: 62, cmdline: "/usr/sbin/httpd -DFOREGROUND" },
    ],
  },
  {
    name: "unreadable fds: HAProxy's admin.sock and Apache's port 80 still tell, by socket",
    processes: [
      proc(50, "haproxy", null, "/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg"),
      proc(60, "apache2", null, "/usr/sbin/apache2 -k start"),
    ],
    tcp: [tcp("0.0.0.0", 80, 7), tcp("127.0.0.1", 5432, 8)],
    unix: [unix("/run/haproxy/admin.sock.50.tmp", 9)],
    want: [
      { kind: "apache", key: "apache:80", how: "socket", pid: 0, ports: [80] },
      {
        kind: "haproxy",
        key: "haproxy:/run/haproxy/admin.sock",
        how: "socket",
        socket: "/run/haproxy/admin.sock",
      },
    ],
  },
  {
    name: "nothing runs: nothing is detected",
    processes: [],
    want: [],
  },
];

describe("matchServices()", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => expectMatches(c));
});
