import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { metricValue, record, runEntry } from "./testing.ts";

// Lines as Go services write them: go-kit/log, Prometheus, Grafana, Loki.
const PROMETHEUS =
  'ts=2024-03-12T10:04:05.123Z caller=main.go:1145 level=info component=tsdb msg="Compactions disabled" duration=1.2ms';
const GRAFANA =
  'logger=context userId=1 orgId=1 uname=admin t=2024-03-12T10:04:05.12+01:00 level=error msg="Request Completed" method=GET path=/api/live/ws status=-1 remote_addr=203.0.113.7 error="websocket: \\"Upgrade\\" failed\\n"';

describe("logfmt stage", () => {
  const cases: { name: string; stage: string; line: string; extracted: Record<string, string> }[] =
    [
      {
        name: "takes every key of a Prometheus log line when mapping is left out",
        stage: "{}",
        line: PROMETHEUS,
        extracted: {
          ts: "2024-03-12T10:04:05.123Z",
          caller: "main.go:1145",
          level: "info",
          component: "tsdb",
          msg: "Compactions disabled",
          duration: "1.2ms",
        },
      },
      {
        name: "maps keys to names, empty meaning the same name",
        stage: "{mapping: {lvl: level, status: '', path: null}}",
        line: GRAFANA,
        extracted: { lvl: "error", status: "-1", path: "/api/live/ws" },
      },
      {
        name: "unescapes quoted values with Go's rules",
        stage: "{mapping: {error: ''}}",
        line: GRAFANA,
        extracted: { error: 'websocket: "Upgrade" failed\n' },
      },
      {
        name: "reads \\x, \\u, octal and unknown escapes as Go would (unknown kept as written)",
        stage: "{}",
        line: 'a="\\x41\\u00e9\\101\\q" b="tab\\there"',
        extracted: { a: "AéA\\q", b: "tab\there" },
      },
      {
        name: "skips bare keys and keeps empty values",
        stage: "{}",
        line: 'starting debug=true empty= quoted="" trailing',
        extracted: { debug: "true", empty: "", quoted: "" },
      },
      {
        name: "lets one key feed two names",
        stage: "{mapping: {a: level, b: level}}",
        line: "level=warn",
        extracted: { a: "warn", b: "warn" },
      },
      {
        name: "keeps = inside an unquoted value, as Loki does",
        stage: "{}",
        line: "query=a=b next=1",
        extracted: { query: "a=b", next: "1" },
      },
    ];
  for (const c of cases) {
    test(c.name, () => {
      const e = runEntry(`- logfmt: ${c.stage}`, record(c.line));
      expect(Object.fromEntries(e!.extracted)).toEqual(c.extracted);
    });
  }

  test("parses an extracted value when source is set", () => {
    const yaml = `
- json: {expressions: {inner: log}}
- logfmt: {source: inner}`;
    const e = runEntry(yaml, record('{"log":"level=debug msg=\\"cache miss\\""}'));
    expect(e!.extracted.get("level")).toBe("debug");
    expect(e!.extracted.get("msg")).toBe("cache miss");
  });

  for (const line of ["just words here", 'msg="never closed', ""]) {
    test(`counts ${JSON.stringify(line)} as malformed and extracts nothing`, () => {
      const registry = new Registry();
      const e = runEntry("- logfmt: {}", record(line), registry);
      expect(e!.extracted.size).toBe(0);
      expect(
        metricValue(registry, "outpost_agent_log_stage_errors_total", {
          reason: "malformed_logfmt",
        }),
      ).toBe(1);
    });
  }
});
