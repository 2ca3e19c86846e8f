import { describe, expect, test } from "bun:test";
import { compileStartPattern } from "../../file/config.ts";
import { parseLines } from "../log_testing.ts";
import { mysqlLogFile, mysqlLogSources } from "./logs.ts";

// Lines MariaDB 10.11 (Debian 12) wrote to its error log: a start, then a refused login.
// The last is MySQL 8's format, for comparison.
const LINES = [
  "2026-11-23  5:45:29 0 [Note] Starting MariaDB 10.11.19-MariaDB-0+deb12u1 source revision 5843d8475120241667a7ce0f8a1abb6c9b43a273 server_uid Xx3hSXWDdA2+C6/s9GwA12NtT/8= as process 24889",
  "2026-11-23  5:45:29 6 [Warning] Access denied for user 'nobody'@'localhost' (using password: YES)",
  "2026-11-23 15:45:30 12 [ERROR] Incorrect definition of table mysql.event",
  "2026-11-23T05:45:31.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1",
];

const [source] = mysqlLogSources({ key: "mysql:3306", instance: "127.0.0.1:3306" }, "/e.log");

describe("MySQL error log source", () => {
  test("is a file source labelled job integrations/mysql, log error", () => {
    expect(source).toMatchObject({
      name: "integrations-mysql_3306-error",
      include: ["/e.log"],
      labels: { job: "integrations/mysql", instance: "127.0.0.1:3306", log: "error" },
    });
  });

  test("a line becomes its time, a normalised level and the thread id", () => {
    const out = parseLines(source, LINES);
    expect(out.map((o) => o.level)).toEqual(["info", "warn", "error", "info"]);
    expect(out.map((o) => o.fields)).toEqual([
      { thread: "0" },
      { thread: "6" },
      { thread: "12" },
      { thread: "0", code: "MY-010116", subsystem: "Server" },
    ]);
    const local = (h: number, m: number, s: number) =>
      BigInt(new Date(2026, 10, 23, h, m, s).getTime()) * 1_000_000n;
    expect(out.slice(0, 3).map((o) => o.timeNs)).toEqual([
      local(5, 45, 29),
      local(5, 45, 29),
      local(15, 45, 30),
    ]);
    expect(out[3].timeNs).toBe(
      BigInt(Date.UTC(2026, 10, 23, 5, 45, 31, 123)) * 1_000_000n + 456_000n,
    );
  });

  test("log_error resolves against the data directory; stderr says what to set", () => {
    expect(mysqlLogFile("./host.err", "/var/lib/mysql/")).toBe("/var/lib/mysql/host.err");
    expect(mysqlLogFile("/var/log/mysql/error.log", "/d")).toBe("/var/log/mysql/error.log");
    expect(() => mysqlLogFile("stderr", "/d")).toThrow(/log_error = \/var\/log\/mysql\/error.log/);
  });
});

test("a line without the time joins the entry before it", () => {
  const start = compileStartPattern(source.multiline!.start_pattern);
  expect(
    [...LINES, "Version: '10.11.19-MariaDB-0+deb12u1'  socket: '/tmp/s'"].map((l) => start.test(l)),
  ).toEqual([true, true, true, true, false]);
});
