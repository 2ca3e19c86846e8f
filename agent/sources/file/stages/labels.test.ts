import { describe, expect, test } from "bun:test";
import { stagesSchema } from "./schema.ts";
import { metricValue, pipeline, record, runEntry } from "./testing.ts";

describe("labels stage", () => {
  const cases: { name: string; stages: string; line: string; labels: string[] }[] = [
    {
      name: "promotes extracted values, an empty source meaning the same name",
      stages: "- logfmt: {}\n- labels: {level: '', service: app, nothing: absent}",
      line: "level=warn app=billing msg=slow",
      labels: ["filename", "/var/log/app.log", "level", "warn", "service", "billing"],
    },
    {
      name: "accepts Promtail's null for the same name",
      stages: "- logfmt: {}\n- labels:\n    level:\n",
      line: "level=info",
      labels: ["filename", "/var/log/app.log", "level", "info"],
    },
    {
      name: "sets nothing for an empty value",
      stages: "- logfmt: {}\n- labels: {level: ''}",
      line: 'level="" msg=x',
      labels: ["filename", "/var/log/app.log"],
    },
    {
      name: "adds static labels, overriding the stream's own",
      stages: "- static_labels: {env: prod, filename: app, port: 8080}",
      line: "x",
      labels: ["env", "prod", "filename", "app", "port", "8080"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = runEntry(c.stages, record(c.line, { filename: "/var/log/app.log" }));
      expect(e!.currentLabels()).toEqual(c.labels);
    });
  }

  test("replaces values past max_values by __overflow__ and counts them", () => {
    const { processor, registry } = pipeline(
      "- regex: {expression: 'user=(?P<user>\\w+)'}\n- labels: {user: '', max_values: 2}",
    );
    const lines = ["user=ann", "user=bob", "user=ann", "user=cy", "user=dan", "user=bob"];
    const out = processor.process(lines.map((l) => record(l)));
    expect(out.map((r) => r.labels[1])).toEqual([
      "ann",
      "bob",
      "ann",
      "__overflow__",
      "__overflow__",
      "bob",
    ]);
    expect(metricValue(registry, "outpost_agent_log_label_overflow_total", { label: "user" })).toBe(
      2,
    );
  });

  test("has no limit with max_values 0", () => {
    const { processor } = pipeline(
      "- regex: {expression: '(?P<n>\\d+)'}\n- labels: {n: '', max_values: 0}",
    );
    const out = processor.process(Array.from({ length: 1500 }, (_, i) => record(String(i))));
    expect(new Set(out.map((r) => r.labels[1])).size).toBe(1500);
  });

  test("limits to 1000 values by default", () => {
    const { processor } = pipeline("- regex: {expression: '(?P<n>\\d+)'}\n- labels: {n: ''}");
    const out = processor.process(Array.from({ length: 1001 }, (_, i) => record(String(i))));
    expect(out[999].labels[1]).toBe("999");
    expect(out[1000].labels[1]).toBe("__overflow__");
  });

  const bad: [unknown, (string | number)[], string][] = [
    [{ labels: { max_values: -1 } }, [0, "labels", "max_values"], "whole number"],
    [{ labels: { level: 3 } }, [0, "labels", "level"], "name of an extracted value"],
    [{ labels: { "": "x" } }, [0, "labels", ""], ""],
  ];
  for (const [config, path, message] of bad) {
    test(`schema rejects ${JSON.stringify(config)}`, () => {
      const issue = stagesSchema.safeParse([config]).error!.issues[0];
      expect(issue.path).toEqual(path);
      expect(issue.message).toContain(message);
    });
  }
});
