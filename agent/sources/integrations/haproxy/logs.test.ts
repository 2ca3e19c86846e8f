import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { compileStages } from "../../file/stages/stages.ts";
import { RecordingWriter, record } from "../../file/stages/testing.ts";
import { parseLines } from "../log_testing.ts";
import { haproxyLogSources } from "./logs.ts";

const [source] = haproxyLogSources({ key: "haproxy:80", instance: "127.0.0.1:80" }, [
  "/var/log/haproxy.log",
]);

const LINES = [
  // format raw, as the harness logs
  '127.0.0.1:47680 [23/Nov/2026:07:20:53.549] web app/app1 0/0/0/1/2 200 73 - - ---- 3/1/0/0/0 0/0 "GET /a?b=1 HTTP/1.1"',
  // rsyslog's traditional file format, a dead server, retries
  'Nov 23 07:20:56 host haproxy[812]: 10.0.0.2:5000 [23/Nov/2026:07:20:56.561] web app/app2 0/0/-1/-1/3010 503 217 - - SC-- 3/1/0/0/+3 0/0 "GET /fail HTTP/1.1"',
  // RFC 3339 time, captured headers, a TCP session
  "2026-11-23T07:20:57.000000+00:00 host haproxy[812]: 10.0.0.3:6000 [23/Nov/2026:07:20:57.100] tcp_in tcp_in/origin 0/0/5007 212 -- 0/0/0/0/0 0/0",
  '10.0.0.4:7000 [23/Nov/2026:07:20:58.000] web~ app/<NOSRV> 0/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 {example.com} "<BADREQ>"',
  "Server app/app2 is DOWN, reason: Layer4 connection problem",
];

describe("HAProxy's log source", () => {
  test("is a file source named after the service, labelled job, instance and log", () => {
    expect(source).toMatchObject({
      name: "integrations-haproxy_80-haproxy",
      include: ["/var/log/haproxy.log"],
      labels: { job: "integrations/haproxy", instance: "127.0.0.1:80", log: "haproxy" },
    });
  });

  test("HTTP and TCP lines become fields, with or without rsyslog's prefix", () => {
    const got = parseLines(source, LINES);
    expect(got[0].fields).toEqual({
      client: "127.0.0.1",
      frontend: "web",
      backend: "app",
      server: "app1",
      status: "200",
      bytes: "73",
      termination_state: "----",
      method: "GET",
      path: "/a?b=1",
      protocol: "HTTP/1.1",
      duration_ms: "2",
    });
    expect(got[0].timeNs).toBe(
      BigInt(new Date(2026, 10, 23, 7, 20, 53, 549).getTime()) * 1_000_000n,
    );
    expect(got[1].fields).toMatchObject({
      client: "10.0.0.2",
      server: "app2",
      status: "503",
      termination_state: "SC--",
      duration_ms: "3010",
    });
    expect(got[2].fields).toEqual({
      client: "10.0.0.3",
      frontend: "tcp_in",
      backend: "tcp_in",
      server: "origin",
      bytes: "212",
      termination_state: "--",
      session_ms: "5007",
    });
    expect(got[3].fields).toMatchObject({ frontend: "web~", server: "<NOSRV>", status: "400" });
    expect(got[3].fields.method).toBeUndefined();
    expect(got[4].fields).toEqual({});
  });

  test("requests are counted by status and backend, timed by status, TCP sessions by termination state", () => {
    const p = compileStages(source.stages, { registry: new Registry(), sourceId: "t" });
    p.process(LINES.map((l) => record(l, { ...source.labels })));
    const w = new RecordingWriter();
    p.collectMetrics(w);
    const t = 'instance="127.0.0.1:80",job="integrations/haproxy"';
    expect(w.samples.filter((s) => s.includes("requests_total")).sort()).toEqual([
      `outpost_haproxy_log_requests_total{${t},status="200",backend="app"} 1`,
      `outpost_haproxy_log_requests_total{${t},status="400",backend="app"} 1`,
      `outpost_haproxy_log_requests_total{${t},status="503",backend="app"} 1`,
    ]);
    expect(w.samples).toContain(
      `outpost_haproxy_log_request_duration_seconds_sum{${t},status="503"} ${3010 * 0.001}`,
    );
    expect(w.samples).toContain(
      `outpost_haproxy_log_tcp_sessions_total{${t},termination_state="--"} 1`,
    );
  });
});
