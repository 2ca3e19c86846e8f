import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { infoNumber, parseInfo } from "./info.ts";
import { type RedisExtras, writeRedis } from "./write.ts";

/** `INFO ALL` of Redis 7.0.15 (Debian 12), idle, plus keyspace and error lines. */
const info = parseInfo(
  `${await Bun.file(join(import.meta.dir, "testdata/info-7.0.txt")).text()}\r\n# Errorstats\r\nerrorstat_WRONGTYPE:count=2\r\n# Keyspace\r\ndb0:keys=5,expires=2,avg_ttl=1500\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n`,
);

const extras: RedisExtras = {
  config: new Map([
    ["databases", "4"],
    ["maxclients", "10000"],
    ["maxmemory", "0"],
    ["io-threads", "1"],
  ]),
  slowlogLength: 3,
  slowlogLast: { id: 7, micros: 25_000 },
  latency: [{ event: "command", last: 1_700_000_000, ms: 120 }],
  nowSeconds: 1_795_407_130.6,
};

function collect(): RecordingWriter {
  const w = new RecordingWriter();
  writeRedis(w, info, extras);
  return w;
}

describe("writeRedis()", () => {
  test.each([
    ["redis_up", {}, 1],
    ["redis_memory_used_bytes", {}, 1088992],
    ["redis_rdb_last_bgsave_status", {}, 1],
    ["redis_latest_fork_seconds", {}, 0],
    ["redis_commands_total", { cmd: "info" }, 4],
    ["redis_commands_duration_seconds_total", { cmd: "info" }, 0.000543],
    ["redis_latency_percentiles_usec", { cmd: "info", quantile: "99.9" }, 162.815],
    ["redis_latency_percentiles_usec_sum", { cmd: "info" }, 543],
    ["redis_latency_percentiles_usec_count", { cmd: "info" }, 4],
    ["redis_errors_total", { err: "WRONGTYPE" }, 2],
    ["redis_db_keys", { db: "db0" }, 5],
    ["redis_db_keys_expiring", { db: "db0" }, 2],
    ["redis_db_avg_ttl_seconds", { db: "db0" }, 1.5],
    ["redis_db_keys", { db: "db1" }, 0],
    ["redis_db_keys", { db: "db3" }, 1],
    ["redis_config_maxclients", {}, 10000],
    ["redis_config_io_threads", {}, 1],
    ["redis_slowlog_length", {}, 3],
    ["redis_slowlog_last_id", {}, 7],
    ["redis_last_slow_execution_duration_seconds", {}, 0.025],
    ["redis_latency_spike_duration_seconds", { event_name: "command" }, 0.12],
  ])("writes %s%o = %d", (name, labels, value) => {
    expect(collect().value(name, labels)).toBe(value);
  });

  test("redis_start_time_seconds is the whole second now minus the uptime", () => {
    const uptime = Number(info.get("uptime_in_seconds"));
    expect(collect().value("redis_start_time_seconds")).toBe(1_795_407_130 - uptime);
  });

  test("has no avg TTL for a database without keys, as the exporter", () => {
    expect(collect().value("redis_db_avg_ttl_seconds", { db: "db1" })).toBeUndefined();
  });

  test("writes each series once and declares every family it writes", () => {
    const w = collect();
    const lines = w.lines();
    expect(new Set(lines).size).toBe(lines.length);
    for (const s of w.samples) {
      const family = s.name.replace(/_(sum|count)$/, "");
      expect(w.families.has(s.name) || w.families.get(family)?.type === "summary").toBe(true);
    }
  });
});

test.each([
  ["ok", 1],
  ["err", 0],
  ["12.5", 12.5],
  ["", Number.NaN],
])("infoNumber(%p) is %p", (text, n) => {
  expect(infoNumber(text)).toBe(n);
});
