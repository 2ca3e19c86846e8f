import { describe, expect, test } from "bun:test";
import { compileStartPattern } from "../../file/config.ts";
import { parseLines } from "../log_testing.ts";
import { redisLogFile, redisLogSources } from "./logs.ts";

// Lines redis-server 7.0 (Debian 12) wrote with --loglevel verbose.
const LINES = [
  "24713:C 23 Nov 2026 05:45:19.618 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
  "24713:M 23 Nov 2026 05:45:19.619 * Ready to accept connections",
  "24713:M 23 Nov 2026 05:45:20.749 - Accepted 127.0.0.1:54060",
  "24713:S 23 Nov 2026 05:45:21.001 . a debug line",
  "24713:X 3 Dec 2026 05:45:22.000 # +sdown master mymaster 127.0.0.1 6379",
];

const [source] = redisLogSources({ key: "redis:6379", instance: "127.0.0.1:6379" }, "/r.log");

describe("Redis log source", () => {
  test("is a file source labelled job integrations/redis, log server", () => {
    expect(source).toMatchObject({
      name: "integrations-redis_6379-server",
      include: ["/r.log"],
      labels: { job: "integrations/redis", instance: "127.0.0.1:6379", log: "server" },
    });
  });

  test("a line becomes its time, a level from its mark, pid and role", () => {
    const out = parseLines(source, LINES);
    expect(out.map((o) => o.level)).toEqual(["warn", "info", "debug", "debug", "warn"]);
    expect(out.map((o) => o.fields)).toEqual(
      ["child", "master", "master", "replica", "sentinel"].map((role) => ({ pid: "24713", role })),
    );
    // Local time: compare against the same wall clock read in the host's zone.
    expect(out[1].timeNs).toBe(
      BigInt(new Date(2026, 10, 23, 5, 45, 19, 619).getTime()) * 1_000_000n,
    );
    expect(out[4].timeNs).toBe(BigInt(new Date(2026, 11, 3, 5, 45, 22).getTime()) * 1_000_000n);
  });

  test("an empty logfile (stdout) says where to set one", () => {
    expect(() => redisLogFile("")).toThrow(/logfile is empty.*set logfile in redis.conf/);
    expect(redisLogFile("/var/log/redis/redis-server.log")).toBe("/var/log/redis/redis-server.log");
  });
});

test("a raw line joins the entry before it", () => {
  const start = compileStartPattern(source.multiline!.start_pattern);
  const raw = ["------ STACK TRACE ------", "EIP:", "           _._"];
  expect([...LINES, ...raw].map((l) => start.test(l))).toEqual([
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
});
