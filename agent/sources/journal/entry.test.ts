import { describe, expect, test } from "bun:test";
import { cursorAt, entryRecord, JournalLabels, levelOf, parseCursor } from "./entry.ts";
import { resumeFrom } from "./resume.ts";

/** An entry as journalctl 252 printed it for a `logger` line (captured on this machine). */
const LOGGER_ENTRY = {
  __CURSOR:
    "s=c9304210f8724516a645feed840ea033;i=3;b=4ca2c1e5eb1e4753ab37444fb2b78204;m=11b58978;t=660ec6f04be73;x=1011e29e45c3d34b",
  __REALTIME_TIMESTAMP: "1795418451394163",
  SYSLOG_FACILITY: "1",
  MESSAGE: "hello from logger 8873",
  _PID: "15394",
  PRIORITY: "5",
  _TRANSPORT: "syslog",
  _HOSTNAME: "vm",
  SYSLOG_IDENTIFIER: "otest",
  _COMM: "logger",
};

describe("journal entries", () => {
  test.each([
    ["0", "critical"],
    ["2", "critical"],
    ["3", "error"],
    ["4", "warning"],
    ["5", "info"],
    ["6", "info"],
    ["7", "debug"],
    ["8", ""],
    [undefined, ""],
  ])("PRIORITY %p is level %p", (p, level) => expect(levelOf(p)).toBe(level));

  test("a logger entry becomes a record with level, pid and identifier", () => {
    const labels = new JournalLabels({ job: "systemd-journal" });
    const out = entryRecord(LOGGER_ENTRY, labels, 1024)!;
    expect(out.record.line).toBe("hello from logger 8873");
    expect(out.record.timeNs).toBe(1795418451394163000n);
    expect(out.record.labels).toEqual(["job", "systemd-journal", "level", "info"]);
    expect(out.record.fields).toEqual([
      "pid",
      "15394",
      "identifier",
      "otest",
      "priority",
      "5",
      "comm",
      "logger",
      "transport",
      "syslog",
      "hostname",
      "vm",
    ]);
    expect(out.position.seqnum).toBe(3);
  });

  test("a unit's entry carries the unit label; a binary MESSAGE is decoded; a long one is cut", () => {
    const labels = new JournalLabels({});
    const out = entryRecord(
      { ...LOGGER_ENTRY, _SYSTEMD_UNIT: "ssh.service", MESSAGE: [104, 105, 10] },
      labels,
      1024,
    )!;
    expect(out.record.labels).toEqual(["level", "info", "unit", "ssh.service"]);
    expect(out.record.line).toBe("hi");
    const long = entryRecord({ ...LOGGER_ENTRY, MESSAGE: "x".repeat(100) }, labels, 10)!;
    expect(long.record.line).toBe("x".repeat(10));
  });

  test.each([
    [{ ...LOGGER_ENTRY, __CURSOR: undefined }],
    [{ ...LOGGER_ENTRY, __REALTIME_TIMESTAMP: "soon" }],
    [{}],
  ])("an entry without cursor or time is refused (%#)", (entry) => {
    expect(entryRecord(entry, new JournalLabels({}), 1024)).toBeNull();
  });

  test("cursors: i= is hexadecimal both ways", () => {
    expect(parseCursor("s=ab;i=1f;b=cd")).toMatchObject({ seqnumId: "ab", seqnum: 31 });
    expect(cursorAt("ab", 31)).toBe("s=ab;i=1f");
    expect(parseCursor("garbage")).toBeNull();
  });
});

describe("resumeFrom()", () => {
  const pending = (offsets: Record<string, number>) => ({
    pendingLogs: () => [
      { offsets: new Map(Object.entries(offsets)), delivered: Promise.resolve() },
    ],
    pushLogs: async () => {},
  });
  test.each([
    ["no cursor, nothing spooled", null, {}, null],
    ["a cursor, nothing spooled", "s=ab;i=5", {}, "s=ab;i=5"],
    ["spooled past the cursor", "s=ab;i=5", { "journal:journal:ab": 9 }, "s=ab;i=8"],
    ["spooled before the cursor", "s=ab;i=5", { "journal:journal:ab": 4 }, "s=ab;i=5"],
    ["spooled in another journal", "s=ab;i=5", { "journal:journal:cd": 99 }, "s=ab;i=5"],
    ["another source's pushes", null, { "journal:other:ab": 9 }, null],
    ["a file's pushes", null, { "file:x": 9 }, null],
    ["spooled, no cursor yet", null, { "journal:journal:ab": 3 }, "s=ab;i=2"],
  ])("%s", (_, stored, offsets, want) => {
    expect(resumeFrom("journal", stored, pending(offsets)).cursor).toBe(want);
  });
});
