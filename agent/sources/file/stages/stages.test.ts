import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { stagesSchema } from "./schema.ts";
import { pipeline, RecordingWriter, record } from "./testing.ts";

const NGINX_JSON = `
- json:
    expressions: {time: time_iso8601, status: status, method: request_method, path: uri, request_id: request_id}
- timestamp: {source: time, format: RFC3339}
- drop: {source: path, expression: '^/healthz$', drop_counter_reason: health_checks}
- labels: {status: '', method: ''}
- structured_metadata: {request_id: ''}
- metrics:
    http_requests_total: {type: Counter, description: Requests by status., labels: [status], config: {match_all: true, action: inc}}
`;

const GO_LOGFMT = `
- logfmt: {mapping: {ts: '', level: '', component: '', msg: ''}}
- timestamp: {source: ts, format: '2006-01-02T15:04:05.000Z07:00', action_on_failure: fudge}
- level: {}
- labels: {component: ''}
- drop: {source: level, value: debug}
`;

const SYSLOG = `
- regex: {expression: '^(?P<time>\\w{3} [ \\d]\\d [\\d:]{8}) (?P<host>\\S+) (?P<app>[\\w.-]+)(?:\\[\\d+\\])?: '}
- timestamp: {source: time, format: Stamp, location: Europe/Berlin}
- labels: {app: ''}
- level: {fallback: info}
- static_labels: {source: syslog}
`;

describe("compileStages()", () => {
  test("runs an nginx JSON pipeline: fields, time, labels, metadata, drop, counters", () => {
    const { processor } = pipeline(NGINX_JSON);
    const lines = [
      '{"time_iso8601":"2024-03-12T10:04:05+00:00","status":"200","request_method":"GET","uri":"/","request_id":"r1"}',
      '{"time_iso8601":"2024-03-12T10:04:06+00:00","status":"200","request_method":"GET","uri":"/healthz","request_id":"r2"}',
      '{"time_iso8601":"2024-03-12T10:04:07+00:00","status":"502","request_method":"POST","uri":"/api","request_id":"r3"}',
    ];
    const out = processor.process(lines.map((l) => record(l, { job: "nginx" })));
    expect(out.map((r) => [r.timeNs, r.labels, r.fields])).toEqual([
      [
        1710237845000000000n,
        ["job", "nginx", "method", "GET", "status", "200"],
        ["request_id", "r1"],
      ],
      [
        1710237847000000000n,
        ["job", "nginx", "method", "POST", "status", "502"],
        ["request_id", "r3"],
      ],
    ]);
    const w = new RecordingWriter();
    processor.collectMetrics(w);
    expect(w.samples.sort()).toEqual([
      'outpost_logs_http_requests_total{status="200"} 1',
      'outpost_logs_http_requests_total{status="502"} 1',
    ]);
  });

  test("runs a Go logfmt pipeline: level label, component label, debug dropped, a bad time fudged", () => {
    const { processor } = pipeline(GO_LOGFMT);
    const lines = [
      'ts=2024-03-12T10:04:05.123Z level=info component=tsdb msg="Head GC completed"',
      "ts=2024-03-12T10:04:05.200Z level=debug component=tsdb msg=noise",
      'ts=yesterday level=WARN component=web msg="bad clock"',
      'ts=2024-03-12T11:04:05.300+01:00 level=WARN component=web msg="slow request"',
    ];
    const out = processor.process(lines.map((l) => record(l)));
    expect(out.map((r) => [r.timeNs, r.labels])).toEqual([
      [1710237845123000000n, ["component", "tsdb", "level", "info"]],
      // The last parsed time (the dropped debug line's) plus 1 ns, as Promtail's fudge does.
      [1710237845200000001n, ["component", "web", "level", "warn"]],
      [1710237845300000000n, ["component", "web", "level", "warn"]],
    ]);
  });

  test("runs a syslog pipeline with a zone and static labels", () => {
    const { processor } = pipeline(SYSLOG);
    const now = Date.parse("2024-06-01T00:00:00Z");
    const lines = [
      "Mar 12 10:04:05 web-1 sshd[1234]: Failed password for root from 203.0.113.7 port 22 ssh2",
      "Mar 12 10:04:06 web-1 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)",
      "not syslog at all",
    ];
    const out = processor.process(
      lines.map((l) => record(l, { job: "syslog" })),
      now,
    );
    expect(out.map((r) => [r.timeNs, r.labels])).toEqual([
      [1710234245000000000n, ["app", "sshd", "job", "syslog", "level", "info", "source", "syslog"]],
      [1710234246000000000n, ["app", "CRON", "job", "syslog", "level", "info", "source", "syslog"]],
      [1n, ["job", "syslog", "level", "info", "source", "syslog"]],
    ]);
  });

  test("returns the same record objects when no stage changes them, and an empty pipeline copies the list", () => {
    const input = [record("a", { job: "x" }), record("b", { job: "x" })];
    const { processor } = pipeline("- drop: {expression: zzz}\n- json: {source: nothing}");
    const out = processor.process(input);
    expect(out[0]).toBe(input[0]);
    expect(out[1]).toBe(input[1]);
    const empty = pipeline("[]").processor;
    expect(empty.process(input)).toEqual(input);
    expect(empty.hasMetrics).toBe(false);
  });

  test("hands out one labels array for consecutive records of the same stream", () => {
    const { processor } = pipeline("- static_labels: {env: prod}");
    const labels = record("", { job: "x" }).labels;
    const out = processor.process([1, 2, 3].map((i) => ({ ...record(String(i)), labels })));
    expect(out[0].labels).toEqual(["env", "prod", "job", "x"]);
    expect(out[1].labels).toBe(out[0].labels);
    expect(out[2].labels).toBe(out[0].labels);
  });

  test("never throws on hostile lines", () => {
    const { processor } = pipeline(`${NGINX_JSON}${GO_LOGFMT}${SYSLOG}`);
    const hostile = [
      "",
      "{",
      "}",
      '{"a":',
      "\\",
      '"',
      "=",
      'a="\\',
      "\u0000\uffff",
      "{}".repeat(5000),
      "[".repeat(10000),
      `{"a":${"[".repeat(200000)}`,
    ];
    expect(() => processor.process(hostile.map((l) => record(l)))).not.toThrow();
  });
});

describe("stagesSchema", () => {
  const bad: [string, unknown, (string | number)[], string][] = [
    ["an unknown stage", [{ jsn: {} }], [0, "jsn"], 'unknown stage "jsn"'],
    [
      "a Promtail stage Outpost lacks",
      [{ match: { selector: "{}" } }],
      [0, "match"],
      'unknown stage "match"',
    ],
    ["two stages in one item", [{ json: {}, level: {} }], [0], "make each a list item of its own"],
    ["an empty item", [{}], [0], "a stage is a map with one key"],
    ["an unknown field", [{ json: { expresions: {} } }], [0, "json"], "expresions"],
    ["a field of the wrong type", [{ level: { fallback: 3 } }], [0, "level", "fallback"], "string"],
    ["a missing field", [{ drop: {} }, { output: {} }], [1, "output", "source"], ""],
  ];
  for (const [name, config, path, message] of bad) {
    test(`names the stage and field of ${name}`, () => {
      const issues = stagesSchema.safeParse(config).error!.issues;
      const issue = issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
      expect(issue).toBeDefined();
      expect(`${issue!.message} ${JSON.stringify(issue)}`).toContain(message);
    });
  }

  test("renders as JSON Schema for the generated config reference", () => {
    const schema = z.toJSONSchema(stagesSchema, { io: "input", unrepresentable: "any" });
    const items = (schema as { items: { properties: Record<string, unknown> } }).items;
    expect(Object.keys(items.properties)).toContain("structured_metadata");
  });
});
