import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLines } from "../log_testing.ts";
import { confLogFile, natsLogFile, natsLogSources } from "./logs.ts";

const [source] = natsLogSources({ key: "nats:4222", instance: "127.0.0.1:4222" }, "/x/nats.log");

describe("nats-server's log source", () => {
  test("is a file source named after the service, labelled job, instance and log", () => {
    expect(source).toMatchObject({
      name: "integrations-nats_4222-server",
      include: ["/x/nats.log"],
      labels: { job: "integrations/nats", instance: "127.0.0.1:4222", log: "server" },
    });
  });

  test("a line becomes its time, level, and a connection's address and id", () => {
    const got = parseLines(source, [
      "[4021] 2026/11/23 16:30:00.123456 [INF] Starting nats-server",
      '[4021] 2026/11/23 16:30:01.000001 [ERR] 127.0.0.1:52114 - cid:5 - "v2.10.1:go" - Slow Consumer Detected',
      "[4021] 2026/11/23 16:30:02.500000 [WRN] Plaintext passwords detected",
      '[4021] [FTL] Error listening on port: 4222, "address already in use"',
    ]);
    expect(got.map((g) => g.level)).toEqual(["info", "error", "warn", "fatal"]);
    expect(got[1].fields).toEqual({ remote: "127.0.0.1:52114", conn_kind: "cid", conn_id: "5" });
    const local = new Date(2026, 10, 23, 16, 30, 0, 123).getTime();
    expect(got[0].timeNs / 1_000_000n).toBe(BigInt(local));
  });
});

describe("natsLogFile()", () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-nats-logs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "a.conf"), 'port: 4222\nlog_file: "/var/log/nats/a.log"\n');
  writeFileSync(join(dir, "b.conf"), "port = 4222\n# log_file: /no.log\n");

  test.each([
    ["nats-server -p 4222 -l /var/log/nats.log", "/var/log/nats.log"],
    ["nats-server --log=/srv/n.log -js", "/srv/n.log"],
    [`nats-server -c ${join(dir, "a.conf")}`, "/var/log/nats/a.log"],
    [`nats-server -c ${join(dir, "b.conf")}`, null],
  ])("%p logs to %p", (cmdline, want) => {
    // pid 0: no process to read the stderr of.
    expect(natsLogFile(cmdline, 0)).toBe(want);
  });

  test.each([
    ["log_file: /a.log", "/a.log"],
    ['log_file = "/b.log"  # note', "/b.log"],
    ["  log_file '/c.log'", "/c.log"],
    ["logtime: true", undefined],
  ])("confLogFile(%p) is %p", (text, want) => {
    expect(confLogFile(text)).toBe(want);
  });
});
