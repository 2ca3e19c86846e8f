import { describe, expect, test } from "bun:test";
import { parseSyslog } from "./syslog_parse.ts";

const NOW = Date.parse("2026-11-23T08:00:00Z");

describe("parseSyslog()", () => {
  test.each([
    [
      "rsyslog's Debian file format (RFC 3339 time)",
      "2026-11-23T07:20:51.394142+00:00 vm sshd[812]: Accepted publickey for root",
      {
        timeMs: Date.parse("2026-11-23T07:20:51.394Z"),
        hostname: "vm",
        app: "sshd",
        pid: "812",
        message: "Accepted publickey for root",
        severity: -1,
      },
    ],
    [
      "RFC 3164 with PRI, no pid",
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
      {
        hostname: "mymachine",
        app: "su",
        pid: "",
        severity: 2,
        facility: 4,
        message: "'su root' failed for lonvick on /dev/pts/8",
      },
    ],
    [
      "RFC 5424 with structured data",
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event',
      {
        timeMs: Date.parse("2003-10-11T22:14:15.003Z"),
        hostname: "mymachine.example.com",
        app: "evntslog",
        pid: "",
        msgid: "ID47",
        severity: 5,
        facility: 20,
        message: "An application event",
      },
    ],
    [
      "RFC 5424 with nil fields and no message",
      "<13>1 - - - - - -",
      { hostname: "", app: "", message: "", severity: 5 },
    ],
  ])("reads %s", (_, line, want) => {
    expect(parseSyslog(line, NOW)).toMatchObject(want);
  });

  test.each([
    ["plain text"],
    ["<999>Oct 11 22:14:15 host x: y"],
    ["Foo 11 22:14:15 host x: y"],
    [""],
  ])("refuses %p", (line) => expect(parseSyslog(line, NOW)).toBeNull());

  test("an RFC 3164 time without a year is this year's, or last year's when ahead", () => {
    const nov = parseSyslog("Nov 23 07:00:00 h a: m", NOW)!;
    expect(new Date(nov.timeMs).getFullYear()).toBe(2026);
    const dec = parseSyslog("Dec 31 23:00:00 h a: m", NOW)!;
    expect(new Date(dec.timeMs).getFullYear()).toBe(2025);
  });
});

describe("lines the real logger(1) sends", () => {
  async function viaLogger(flag: string, message: string): Promise<string> {
    const { promise, resolve } = Promise.withResolvers<string>();
    const socket = await Bun.udpSocket({
      hostname: "127.0.0.1",
      socket: { data: (_s, buf) => resolve(buf.toString()) },
    });
    try {
      const p = Bun.spawn([
        "logger",
        flag,
        "--udp",
        "--server",
        "127.0.0.1",
        "--port",
        `${socket.port}`,
        "-t",
        "outpost-test",
        "-p",
        "daemon.warning",
        message,
      ]);
      await p.exited;
      return await promise;
    } finally {
      socket.close();
    }
  }

  test.skipIf(Bun.which("logger") === null).each([["--rfc5424"], ["--rfc3164"]])(
    "logger %s: app, pid, severity, facility and message",
    async (flag) => {
      const line = await viaLogger(flag, "disk almost full");
      const p = parseSyslog(line.replace(/\n$/, ""), Date.now())!;
      expect(p).toMatchObject({
        app: "outpost-test",
        severity: 4,
        facility: 3,
        message: "disk almost full",
      });
      expect(Math.abs(p.timeMs - Date.now())).toBeLessThan(60_000);
    },
  );
});
