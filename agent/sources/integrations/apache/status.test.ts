import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { parseServerStatus, versionNumber, writeServerStatus } from "./status.ts";

/** `/server-status?auto` of Apache 2.4 (Debian 12, event MPM) running test/harness/apache.ts's config. */
const PAGE = readFileSync(join(import.meta.dir, "testdata/server-status-2.4.txt"), "utf8");

describe("writeServerStatus()", () => {
  test("writes apache_exporter 0.12's families from a ?auto page", () => {
    const w = new RecordingWriter();
    writeServerStatus(w, parseServerStatus(PAGE, "t"), 0);
    expect(w.value("apache_up")).toBe(1);
    expect(w.value("apache_accesses_total")).toBe(9);
    expect(w.value("apache_sent_kilobytes_total")).toBe(5);
    expect(w.value("apache_version")).toBe(2.04071);
    expect(w.value("apache_info", { version: "Apache/2.4.71 (Debian)", mpm: "event" })).toBe(1);
    expect(w.value("apache_load", { interval: "15min" })).toBe(1.3);
    expect(w.value("apache_workers", { state: "busy" })).toBe(1);
    expect(w.value("apache_scoreboard", { state: "reply" })).toBe(1);
    expect(w.value("apache_scoreboard", { state: "idle" })).toBe(74);
    expect(w.value("apache_scoreboard", { state: "open_slot" })).toBe(325);
    expect(w.value("apache_scoreboard", { state: "dns" })).toBe(0);
    expect(w.value("apache_connections", { state: "total" })).toBe(0);
    expect(w.value("apache_cpu_time_ms_total", { type: "user" })).toBe(0);
  });

  test("adds the children's CPU seconds, in ms, as the exporter does", () => {
    const w = new RecordingWriter();
    const page = parseServerStatus(
      "ServerVersion: Apache/2.4.1\nCPUUser: .5\nCPUChildrenUser: 1\nCPUSystem: .25\n",
      "t",
    );
    writeServerStatus(w, page, 0);
    expect(w.value("apache_cpu_time_ms_total", { type: "user" })).toBe(1500);
    expect(w.value("apache_cpu_time_ms_total", { type: "system" })).toBe(250);
  });

  test("leaves out what a page without ExtendedStatus lacks", () => {
    const w = new RecordingWriter();
    writeServerStatus(
      w,
      parseServerStatus(
        "ServerVersion: Apache/2.4.1\nBusyWorkers: 1\nIdleWorkers: 2\nScoreboard: W__\n",
        "t",
      ),
      0,
    );
    expect(w.families.has("apache_accesses_total")).toBe(false);
    expect(w.families.has("apache_connections")).toBe(false);
    expect(w.value("apache_workers", { state: "idle" })).toBe(2);
  });

  test("refuses a page that is not server-status, and a value that is not a number, naming them", () => {
    expect(() => parseServerStatus("<html>It works!</html>", "http://h/s")).toThrow(
      "Cannot parse http://h/s: not an Apache server-status?auto page",
    );
    const page = parseServerStatus("ServerVersion: Apache/2.4.1\nTotal Accesses: lots\n", "t");
    expect(() => writeServerStatus(new RecordingWriter(), page, 0)).toThrow(
      'Cannot parse Total Accesses: "lots" is not a number',
    );
  });
});

test("writes mod_proxy_balancer's members by balancer and worker", () => {
  const w = new RecordingWriter();
  const page = parseServerStatus(
    [
      "ServerVersion: Apache/2.4.71 (Debian)",
      "ProxyBalancer[0]Name: balancer://app",
      "ProxyBalancer[0]Worker[0]Name: http://10.0.0.1:8080",
      "ProxyBalancer[0]Worker[0]Status: Init Ok ",
      "ProxyBalancer[0]Worker[0]Elected: 3",
      "ProxyBalancer[0]Worker[0]Busy: 1",
      "ProxyBalancer[0]Worker[0]Sent: 12K",
      "ProxyBalancer[0]Worker[0]Rcvd: 0K",
      "ProxyBalancer[0]Worker[1]Name: http://10.0.0.2:8080",
      "ProxyBalancer[0]Worker[1]Status: Init Err ",
    ].join("\n"),
    "t",
  );
  writeServerStatus(w, page, 0);
  const one = { balancer: "balancer://app", worker: "http://10.0.0.1:8080" };
  expect(w.value("apache_proxy_balancer_accesses_total", one)).toBe(3);
  expect(w.value("apache_proxy_balancer_busy", one)).toBe(1);
  expect(w.value("apache_proxy_balancer_request_kbytes_total", one)).toBe(12);
  expect(w.value("apache_proxy_balancer_status", { ...one, status: "Init Ok" })).toBe(1);
  const two = { balancer: "balancer://app", worker: "http://10.0.0.2:8080", status: "Init Err" };
  expect(w.value("apache_proxy_balancer_status", two)).toBe(1);
});

test.each([
  ["Apache/2.4.71 (Debian)", 2.04071],
  ["Apache/2.2.3", 2.02003],
  ["Apache", Number.NaN],
])("versionNumber(%p) is %p", (v, want) => {
  expect(versionNumber(v)).toBe(want);
});
