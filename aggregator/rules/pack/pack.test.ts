import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRuleFile } from "../file.ts";
import type { AlertingRule } from "../model.ts";
import { testRuleFile } from "../unittest/run.ts";

const pack = join(import.meta.dir, "outpost-default.rules.yml");
const runbooks = readFileSync(join(import.meta.dir, "../../../docs/runbooks.md"), "utf8");
const tests = readFileSync(join(import.meta.dir, "outpost-default.test.yml"), "utf8");

/** GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    m[1]
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, "")
      .replace(/ /g, "-"),
  ),
);

const result = await readRuleFile(pack);
const alerts = result.groups.flatMap((g) => g.rules) as AlertingRule[];

describe("the default rule pack", () => {
  test("loads without problems, alerting rules only", () => {
    expect(result.problems).toEqual([]);
    expect(alerts.every((r) => r.type === "alerting")).toBe(true);
  });

  for (const rule of alerts) {
    test(`${rule.name} has a summary, a description, a severity and a runbook section`, () => {
      expect(Object.keys(rule.annotations).sort()).toEqual([
        "description",
        "runbook_url",
        "summary",
      ]);
      expect(["warning", "critical"]).toContain(rule.labels.severity);
      expect(rule.annotations.runbook_url).toBe(
        `{{ $externalURL }}/runbooks#${rule.name.toLowerCase()}`,
      );
      expect(anchors.has(rule.name.toLowerCase())).toBe(true);
    });

    test(`${rule.name} is unit tested in outpost-default.test.yml`, () => {
      expect(tests).toContain(`alertname: ${rule.name}\n`);
    });
  }
});

test("outpost-default.test.yml passes", async () => {
  const verdict = await testRuleFile(join(import.meta.dir, "outpost-default.test.yml"));
  expect(verdict.failures).toEqual([]);
});
