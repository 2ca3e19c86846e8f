import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { formatProblem } from "../../shared/config/errors.ts";
import { countRules, parseRuleFile, readRuleFile } from "./file.ts";
import type { AlertingRule } from "./model.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const files = readdirSync(TESTDATA).sort();
const goodFiles = files.filter((f) => f.endsWith(".good.yaml"));
const badFiles = files.filter((f) => f.endsWith(".bad.yaml"));

/** Reads `# expect: <line>: <reason>` from the first line of a bad fixture. */
async function expectation(file: string): Promise<{ line: number; reason: string }> {
  const first = (await Bun.file(join(TESTDATA, file)).text()).split("\n", 1)[0];
  const match = /^# expect: (\d+): (.+)$/.exec(first);
  if (match === null) throw new Error(`${file} lacks a "# expect: <line>: <reason>" first line`);
  return { line: Number(match[1]), reason: match[2] };
}

describe("rule file fixtures", () => {
  test("there are good and bad fixtures to run", () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(10);
    expect(badFiles.length).toBeGreaterThanOrEqual(20);
  });

  test.each(goodFiles)("%s loads without a problem", async (file) => {
    const result = await readRuleFile(join(TESTDATA, file));
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.refused).toEqual([]);
  });

  test.each(badFiles)("%s is refused with one message naming its line", async (file) => {
    const { line, reason } = await expectation(file);
    const path = join(TESTDATA, file);
    const result = await readRuleFile(path);
    expect(result.problems.map((p) => p.reason)).toEqual([reason]);
    expect(result.problems[0]).toMatchObject({ file: path, line });
    expect(formatProblem(result.problems[0])).toStartWith(`${path}:${line}:`);
  });
});

describe("parseRuleFile()", () => {
  test("reads every field of an alerting rule, durations in ms", async () => {
    const { groups } = await readRuleFile(join(TESTDATA, "alerting.good.yaml"));
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(group).toMatchObject({ name: "node-alerts", interval: 60_000, limit: 100 });
    expect(group.queryOffset).toBeUndefined();
    const rule = group.rules[0] as AlertingRule;
    expect(rule).toMatchObject({
      type: "alerting",
      name: "NodeDown",
      expr: 'up{job="node"} == 0',
      for: 300_000,
      keepFiringFor: 600_000,
      labels: { severity: "page" },
      index: 1,
      pos: { line: 6, column: 9 },
    });
    expect(rule.annotations.summary).toBe("Instance {{ $labels.instance }} down");
    expect(rule.query.type).toBe("BinaryExpr");
    expect(rule.fields.expr).toEqual({ line: 7, column: 9 });
    expect(rule.fields["labels.severity"]).toEqual({ line: 11, column: 11 });
    expect(group.rules[1]).toMatchObject({
      name: "DiskFillingUp",
      for: 3_600_000,
      keepFiringFor: 0,
    });
  });

  test("reads scalars as their text, as Go's YAML decoder fills a string", async () => {
    const { groups } = await readRuleFile(join(TESTDATA, "scalar-labels.good.yaml"));
    expect(groups[0].name).toBe("1");
    expect(groups[0].rules[0].labels).toEqual({
      priority: "1",
      ratio: "1.50",
      paging: "true",
      empty: "",
    });
  });

  test("expands anchors and merge keys, keys written in the rule winning", async () => {
    const { groups } = await readRuleFile(join(TESTDATA, "anchors.good.yaml"));
    expect(groups[0].rules.map((r) => [r.name, r.expr, r.labels.severity])).toEqual([
      ["HighLoad", "node_load1 > 4", "ticket"],
      ["VeryHighLoad", "node_load1 > 16", "ticket"],
    ]);
  });

  test("reads merge keys nested ten deep ten wide once each, not 10^10 times", () => {
    // Each level's labels merge the level before ten times: expanded again at every level,
    // this upload of under 1 KB did not finish (tenfold a level; depth 5 took 6 s).
    let text =
      "groups:\n- name: g\n  rules:\n  - record: r0\n    expr: up\n    labels: &a0 {k: v}\n";
    for (let i = 1; i <= 10; i++) {
      const refs = Array(10)
        .fill(`*a${i - 1}`)
        .join(", ");
      text += `  - record: r${i}\n    expr: up\n    labels: &a${i} {<<: [${refs}]}\n`;
    }
    const { groups, problems } = parseRuleFile(text, "bomb.yml");
    expect(problems).toEqual([]);
    expect(groups[0].rules.map((r) => r.labels.k)).toEqual(Array(11).fill("v"));
  });

  test("merges group labels into each rule's, the rule's winning", () => {
    const text = `groups:
  - name: g
    labels: { team: a, severity: low }
    rules:
      - alert: A
        expr: up == 0
        labels: { severity: page }`;
    const { groups } = parseRuleFile(text, "r.yml");
    expect(groups[0].labels).toEqual({ team: "a", severity: "low" });
    expect(groups[0].rules[0].labels).toEqual({ team: "a", severity: "page" });
  });

  test("keeps the good groups of a file whose other group is refused", () => {
    const text = `groups:
  - name: good
    rules: [{ record: a, expr: up }]
  - name: bad
    rules: [{ record: b, expr: "up ==" }]`;
    const result = parseRuleFile(text, "r.yml");
    expect(result.groups.map((g) => g.name)).toEqual(["good"]);
    expect(result.refused).toEqual(["bad"]);
    expect(result.problems.map(formatProblem)).toEqual([
      'r.yml:5:32: group "bad", rule 1, "b": could not parse expression: 1:6: parse error: unexpected end of input',
    ]);
  });

  test("refuses every group when the file's shape is wrong, as Prometheus does", () => {
    const text = "groups:\n  - name: a\n    rules: []\n  - name: b\n    bogus: 1\n";
    const result = parseRuleFile(text, "r.yml");
    expect(result.groups).toEqual([]);
    expect(result.refused).toEqual(["a", "b"]);
  });

  test("reports every problem of a file, ordered by line", () => {
    const text = `groups:
  - name: g
    rules:
      - record: a
        expr: up
        for: 1m
      - alert: B
        expr: up
        labels: { __name__: x }`;
    const { problems } = parseRuleFile(text, "r.yml");
    expect(problems.map((p) => [p.line, p.reason])).toEqual([
      [4, "invalid field 'for' in recording rule"],
      [9, "invalid label name: __name__"],
    ]);
  });

  test("calls the template check for every label and annotation value", () => {
    const text = `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.instance }} down"
          description: "{{ broken"`;
    const seen: string[] = [];
    const result = parseRuleFile(text, "r.yml", {
      checkTemplate: (t) => {
        seen.push(t);
        return t.includes("broken") ? "template: __alert_A:1: unclosed action" : null;
      },
    });
    expect(seen).toEqual(["page", "{{ $labels.instance }} down", "{{ broken"]);
    expect(result.problems.map(formatProblem)).toEqual([
      'r.yml:9:24: group "g", rule 1, "A": annotation "description": template: __alert_A:1: unclosed action',
    ]);
  });

  test("counts rules as promtool does", async () => {
    const { groups } = await readRuleFile(join(TESTDATA, "recording.good.yaml"));
    expect(countRules(groups)).toBe(2);
  });

  test("reports a file that cannot be read as one problem", async () => {
    const result = await readRuleFile(join(TESTDATA, "no-such-file.yaml"));
    expect(result.problems.map((p) => p.reason)).toEqual(["Cannot read rule file: no such file"]);
  });
});
