import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { stagesSchema } from "./schema.ts";
import { metricValue, record, runEntry } from "./testing.ts";

const SSHD =
  "Mar 12 10:04:05 web-1 sshd[1234]: Failed password for root from 203.0.113.7 port 22 ssh2";
const NGINX_ERROR =
  '2024/03/12 10:04:05 [error] 31#31: *7 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 203.0.113.7';

describe("regex stage", () => {
  const cases: {
    name: string;
    expression: string;
    line: string;
    extracted: Record<string, string>;
  }[] = [
    {
      name: "extracts Go-style named groups from a syslog line",
      expression:
        "^(?P<time>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d) (?P<host>\\S+) (?P<app>[^\\[:]+)(?:\\[(?P<pid>\\d+)\\])?: (?P<message>.*)$",
      line: SSHD,
      extracted: {
        time: "Mar 12 10:04:05",
        host: "web-1",
        app: "sshd",
        pid: "1234",
        message: "Failed password for root from 203.0.113.7 port 22 ssh2",
      },
    },
    {
      name: "accepts JavaScript-style named groups and searches anywhere in the line",
      expression: "\\[(?<level>\\w+)\\] (?<pid>\\d+)#",
      line: NGINX_ERROR,
      extracted: { level: "error", pid: "31" },
    },
    {
      name: "ignores unnamed groups and groups that took no part",
      expression: "(\\d+)#\\d+: (?:\\*(?P<conn>\\d+))? (?P<missing>zzz)?open",
      line: NGINX_ERROR,
      extracted: { conn: "7" },
    },
    {
      name: "reads RE2 classes as Go does",
      expression: "client: (?P<ip>[[:digit:].]+)$",
      line: NGINX_ERROR,
      extracted: { ip: "203.0.113.7" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const stage = `- regex: {expression: ${JSON.stringify(c.expression)}}`;
      const e = runEntry(stage, record(c.line));
      expect(Object.fromEntries(e!.extracted)).toEqual(c.extracted);
    });
  }

  test("does not let . cross a newline, as in Go", () => {
    const e = runEntry("- regex: {expression: 'a(?P<x>.*)'}", record("abc\ndef"));
    expect(e!.extracted.get("x")).toBe("bc");
  });

  test("matches an extracted value when source is set", () => {
    const yaml = `
- logfmt: {}
- regex: {source: caller, expression: '^(?P<file>[^:]+):(?P<line>\\d+)$'}`;
    const e = runEntry(yaml, record("level=info caller=main.go:42 msg=hi"));
    expect(e!.extracted.get("file")).toBe("main.go");
    expect(e!.extracted.get("line")).toBe("42");
  });

  test("counts a line the pattern does not match and leaves it alone", () => {
    const registry = new Registry();
    const e = runEntry("- regex: {expression: '^(?P<n>\\d+)$'}", record("abc"), registry);
    expect(e!.extracted.size).toBe(0);
    expect(
      metricValue(registry, "outpost_agent_log_stage_errors_total", { reason: "no_match" }),
    ).toBe(1);
  });

  test("schema rejects a pattern RE2 rejects, naming the field", () => {
    const result = stagesSchema.safeParse([{ regex: { expression: "(?P<a>x" } }]);
    expect(result.error!.issues[0].path).toEqual([0, "regex", "expression"]);
    expect(result.error!.issues[0].message).toContain('Cannot compile regex "(?P<a>x"');
  });
});
