import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { statusValue } from "./families.ts";
import { parseInfo, writeStats, writeVersionInfo } from "./stats.ts";

/** `show stat` of HAProxy 2.6 (Debian 12) running test/harness/haproxy.ts's config. */
const CSV = readFileSync(join(import.meta.dir, "testdata/show_stat-2.6.csv"), "utf8");

describe("writeStats()", () => {
  test("writes frontends, backends and servers under the exporter's names and labels", () => {
    const w = new RecordingWriter();
    expect(writeStats(w, CSV, "t")).toEqual({ rows: 10, badCells: 0 });
    expect(w.value("haproxy_frontend_limit_sessions", { frontend: "web" })).toBe(9983);
    expect(w.value("haproxy_backend_up", { backend: "app" })).toBe(1);
    expect(w.value("haproxy_server_up", { backend: "app", server: "app2" })).toBe(0);
    expect(w.value("haproxy_server_up", { backend: "tcp_in", server: "origin" })).toBe(1);
    expect(w.value("haproxy_frontend_http_responses_total", { frontend: "web", code: "5xx" })).toBe(
      3,
    );
    expect(w.families.get("haproxy_server_check_duration_seconds")).toEqual({
      type: "gauge",
      help: "Previously run health check duration, in seconds",
    });
  });

  test("leaves out empty cells, as the exporter does: a TCP server has no HTTP responses", () => {
    const w = new RecordingWriter();
    writeStats(w, CSV, "t");
    const tcpServer = w.samples.filter((s) => s.labels.server === "origin").map((s) => s.name);
    expect(tcpServer).not.toContain("haproxy_server_http_responses_total");
    expect(tcpServer).not.toContain("haproxy_server_check_duration_seconds");
    expect(tcpServer).toContain("haproxy_server_sessions_total");
  });

  test("counts a cell that is not a number and a short row, and keeps the rest", () => {
    const lines = CSV.split("\n");
    const bad = lines[1].split(",");
    bad[7] = "many";
    const text = [lines[0], bad.join(","), "web,FRONTEND,1,2", lines[2]].join("\n");
    const w = new RecordingWriter();
    expect(writeStats(w, text, "t")).toEqual({ rows: 2, badCells: 2 });
    expect(w.value("haproxy_frontend_sessions_total", { frontend: "web" })).toBeUndefined();
    expect(w.value("haproxy_frontend_max_sessions", { frontend: "web" })).toBe(1);
  });

  test("refuses a page that is not the stats CSV, naming it", () => {
    expect(() => writeStats(new RecordingWriter(), "<html>", "http://h/stats")).toThrow(
      "Cannot parse http://h/stats: not HAProxy's stats CSV: <html>",
    );
  });
});

test.each([
  ["UP", 1],
  ["UP 1/3", 1],
  ["OPEN", 1],
  ["no check", 1],
  ["DRAIN", 1],
  ["DOWN", 0],
  ["DOWN 1/2", 0],
  ["MAINT", 0],
  ["MAINT(via)", 0],
  ["NOLB", 0],
  ["UP 1/2", 0],
])("statusValue(%p) is %p, as haproxy_exporter 0.14 reads it", (status, want) => {
  expect(statusValue(status)).toBe(want);
});

test("writeVersionInfo() labels haproxy_version_info with show info's version and release date", () => {
  const w = new RecordingWriter();
  writeVersionInfo(
    w,
    parseInfo("Name: HAProxy\nVersion: 2.6.12-1+deb12u4\nRelease_date: 2026/10/17\n"),
  );
  expect(w.lines()).toEqual([
    'haproxy_version_info{release_date="2026/10/17", version="2.6.12-1+deb12u4"} 1',
  ]);
});
