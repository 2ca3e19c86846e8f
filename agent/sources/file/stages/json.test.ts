import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { stagesSchema } from "./schema.ts";
import { metricValue, record, runEntry } from "./testing.ts";

const NGINX =
  '{"time_local":"12/Mar/2024:10:04:05 +0000","remote_addr":"203.0.113.7","request":"GET /api/v1/users?id=42 HTTP/1.1","status":200,"body_bytes_sent":1534,"request_time":0.012,"http_user_agent":"curl/8.5.0","upstream":null}';

const NESTED =
  '{"level":"warn","ts":1710237845123456789,"caller":{"file":"server.go","line":88},"tags":["edge","eu-west"],"a.b":"dotted","msg":"slow \\"query\\"\\n\\u00e9","http":{"request":{"headers":{"x-request-id":"r-1"}}}}';

describe("json stage", () => {
  const cases: {
    name: string;
    stage: string;
    line: string;
    extracted: Record<string, string>;
  }[] = [
    {
      name: "extracts the named fields of an nginx JSON access log, numbers as written",
      stage:
        "{expressions: {status: status, ua: http_user_agent, bytes: body_bytes_sent, rt: request_time}}",
      line: NGINX,
      extracted: { status: "200", ua: "curl/8.5.0", bytes: "1534", rt: "0.012" },
    },
    {
      name: "takes every top-level member when expressions are left out, and null as absent",
      stage: "{}",
      line: '{"level":"info","n":1,"ok":true,"none":null,"obj":{"a":[1, 2]}}',
      extracted: { level: "info", n: "1", ok: "true", obj: '{"a":[1,2]}' },
    },
    {
      name: "reads an empty expression as the key of the same name",
      stage: "{expressions: {status: '', remote_addr: null}}",
      line: NGINX,
      extracted: { status: "200", remote_addr: "203.0.113.7" },
    },
    {
      name: "follows nested keys, array indexes and quoted keys",
      stage: `{expressions: {file: caller.file, line: "caller.line", tag: "tags[1]", dotted: '"a.b"', rid: 'http.request.headers["x-request-id"]'}}`,
      line: NESTED,
      extracted: { file: "server.go", line: "88", tag: "eu-west", dotted: "dotted", rid: "r-1" },
    },
    {
      name: "keeps a nanosecond timestamp exact, which a double cannot hold",
      stage: "{expressions: {ts: ts}}",
      line: NESTED,
      extracted: { ts: "1710237845123456789" },
    },
    {
      name: "keeps big integers exact next to other values when every member is taken",
      stage: "{}",
      line: '{"id":18446744073709551615,"f":1.5,"s":"x\\ty"}',
      extracted: { id: "18446744073709551615", f: "1.5", s: "x\ty" },
    },
    {
      name: "unescapes strings",
      stage: "{expressions: {msg: msg}}",
      line: NESTED,
      extracted: { msg: 'slow "query"\né' },
    },
    {
      name: "sets nothing for a path that is absent or indexes past the end",
      stage: "{expressions: {x: caller.column, y: 'tags[5]', z: level.deeper}}",
      line: NESTED,
      extracted: {},
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = runEntry(`- json: ${c.stage}`, record(c.line));
      expect(Object.fromEntries(e!.extracted)).toEqual(c.extracted);
    });
  }

  test("parses an extracted value when source is set", () => {
    const yaml = `
- regex: {expression: '^\\S+ (?P<payload>\\{.*\\})$'}
- json: {source: payload, expressions: {user: user.id}}`;
    const e = runEntry(yaml, record('2024-03-12T10:04:05Z {"user":{"id":"u-7"}}'));
    expect(e!.extracted.get("user")).toBe("u-7");
  });

  const malformed = [
    "plain text line",
    '{"level":"info", "msg": "truncated',
    '{"level":"info"} trailing',
    '["an","array"]',
    '{"level":"info",}',
    '{"bad escape":"\\q"}',
    "",
  ];
  for (const line of malformed) {
    test(`leaves ${JSON.stringify(line)} alone and counts it`, () => {
      const registry = new Registry();
      const e = runEntry("- json: {}", record(line), registry);
      expect(e!.line).toBe(line);
      expect(e!.extracted.size).toBe(0);
      expect(
        metricValue(registry, "outpost_agent_log_stage_errors_total", { reason: "malformed_json" }),
      ).toBe(1);
    });
  }

  test("drops malformed lines when drop_malformed is set, counting them as dropped", () => {
    const registry = new Registry();
    expect(runEntry("- json: {drop_malformed: true}", record("nope"), registry)).toBeNull();
    expect(
      metricValue(registry, "outpost_agent_log_stage_dropped_total", {
        stage: "json",
        index: "0",
        reason: "malformed_json",
      }),
    ).toBe(1);
  });

  test("schema rejects a path it cannot read, naming the expression", () => {
    const result = stagesSchema.safeParse([{ json: { expressions: { a: "b[x]" } } }]);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(issue.path).toEqual([0, "json", "expressions", "a"]);
    expect(issue.message).toContain('Cannot parse JSON path "b[x]"');
  });
});
