import { describe, expect, test } from "bun:test";
import { kindOf } from "./rules.ts";
import { type Case, expectMatches, proc, tcp, unix } from "./testing.ts";

/** Debian's RabbitMQ 3.10 node, as /proc/<pid>/cmdline shows it (NULs as spaces). */
const RABBIT =
  "/usr/lib/erlang/erts-13.1.5/bin/beam.smp -W w -MBas ageffcbf -- -root /usr/lib/erlang -progname erl -- -home /var/lib/rabbitmq -- -pa  -noshell -noinput -s rabbit boot -boot start_sasl -syslog logger []";
const COUCHDB =
  "/opt/couchdb/bin/../erts-12.3/bin/beam.smp -K true -- -root /opt/couchdb -boot couchdb";

const cases: Case[] = [
  {
    name: "memcached by its TCP port",
    processes: [
      proc(50, "memcached", [1], "/usr/bin/memcached -m 64 -p 11211 -u memcache -l 127.0.0.1"),
    ],
    tcp: [tcp("127.0.0.1", 11211, 1)],
    want: [{ kind: "memcached", key: "memcached:11211", address: "127.0.0.1:11211", pid: 50 }],
  },
  {
    name: "memcached on a Unix socket only",
    processes: [proc(50, "memcached", [2])],
    unix: [unix("/run/memcached/memcached.sock", 2)],
    want: [
      {
        key: "memcached:/run/memcached/memcached.sock",
        address: "/run/memcached/memcached.sock",
        port: 0,
      },
    ],
  },
  {
    name: "a RabbitMQ node is the beam.smp booting rabbit, keyed by AMQP's 5672 among its ports",
    processes: [proc(60, "beam.smp", [3, 4, 5], RABBIT)],
    tcp: [tcp("127.0.0.1", 25672, 3), tcp("::", 5672, 4), tcp("0.0.0.0", 15692, 5)],
    want: [
      {
        kind: "rabbitmq",
        key: "rabbitmq:5672",
        address: "[::1]:5672",
        ports: [5672, 15692, 25672],
      },
    ],
  },
  {
    name: "another Erlang VM (CouchDB) is not RabbitMQ",
    processes: [proc(61, "beam.smp", [3], COUCHDB)],
    tcp: [tcp("127.0.0.1", 5984, 3)],
    want: [],
  },
  {
    name: "a RabbitMQ node on other ports is keyed by its lowest",
    processes: [proc(60, "beam.smp", [3, 4], RABBIT)],
    tcp: [tcp("127.0.0.1", 40001, 3), tcp("127.0.0.1", 30001, 4)],
    want: [{ key: "rabbitmq:30001", ports: [30001, 40001] }],
  },
  {
    name: "nats-server keyed by 4222 with its monitoring port among its ports",
    processes: [proc(70, "nats-server", [6, 7], "/usr/sbin/nats-server -p 4222 -m 8222")],
    tcp: [tcp("0.0.0.0", 8222, 6), tcp("0.0.0.0", 4222, 7)],
    want: [{ kind: "nats", key: "nats:4222", address: "127.0.0.1:4222", ports: [4222, 8222] }],
  },
  {
    name: "nats-server keyed by the client port its -p names, lower monitoring port or not",
    processes: [proc(70, "nats-server", [6, 7], "nats-server -a 127.0.0.1 -p 37367 -js -m 36319")],
    tcp: [tcp("127.0.0.1", 36319, 6), tcp("127.0.0.1", 37367, 7)],
    want: [{ key: "nats:37367", address: "127.0.0.1:37367", ports: [36319, 37367] }],
  },
  {
    name: "unreadable fds: the well-known ports of a running memcached, RabbitMQ and NATS tell",
    processes: [
      proc(50, "memcached", null),
      proc(60, "beam.smp", null, RABBIT),
      proc(70, "nats-server", null),
    ],
    tcp: [
      tcp("127.0.0.1", 11211, 1),
      tcp("127.0.0.1", 5672, 2),
      tcp("127.0.0.1", 15692, 3),
      tcp("127.0.0.1", 4222, 4),
    ],
    want: [
      { key: "memcached:11211", how: "socket", pid: 0 },
      { key: "nats:4222", how: "socket", ports: [4222] },
      { key: "rabbitmq:5672", how: "socket", ports: [5672, 15692] },
    ],
  },
  {
    name: "a well-known port without its process is not a service",
    processes: [],
    tcp: [tcp("127.0.0.1", 11211, 1), tcp("127.0.0.1", 4222, 2)],
    want: [],
  },
];

describe("matchServices() for memcached, RabbitMQ and NATS", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => expectMatches(c));

  test("kindOf() knows gnatsd by its program name when comm is renamed", () => {
    expect(kindOf({ comm: "x", cmdline: "/opt/bin/gnatsd -m 8222" })).toBe("nats");
  });
});
