import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuleGroup } from "../model.ts";
import { orderGroups, renderVerdict, testRuleFile } from "./run.ts";

const testdata = join(import.meta.dir, "testdata");
const files = readdirSync(testdata)
  .filter((f) => f.endsWith(".test.yml"))
  .sort();

describe("testRuleFile() on the fixtures", () => {
  for (const name of files) {
    const file = join(testdata, name);
    const expectFail = readFileSync(file, "utf8").startsWith("# expect: fail");
    test(`${name} ${expectFail ? "fails" : "passes"}`, async () => {
      const verdict = await testRuleFile(file);
      if (expectFail) expect(verdict.failures.length).toBeGreaterThan(0);
      else expect(verdict.failures).toEqual([]);
    });
  }
});

describe("testRuleFile() on files it cannot run", () => {
  test("a test file with an unknown field fails with its line", async () => {
    const path = join(testdata, "for_states.rules.yml");
    const verdict = await testRuleFile(path);
    expect(verdict.failures.join("\n")).toContain("groups");
  });

  test("a missing test file fails, not throws", async () => {
    const verdict = await testRuleFile(join(testdata, "nope.test.yml"));
    expect(verdict.failures.join("\n")).toContain("no such file");
  });
});

describe("orderGroups()", () => {
  const g = (name: string) => ({ name }) as RuleGroup;
  const cases: [string[], string[], string[]][] = [
    [["a", "b", "c"], [], ["a", "b", "c"]],
    [
      ["a", "b", "c"],
      ["c", "a"],
      ["c", "a", "b"],
    ],
    [
      ["a", "b"],
      ["missing", "b"],
      ["b", "a"],
    ],
  ];
  for (const [groups, order, want] of cases)
    test(`orders [${groups}] by [${order}] as [${want}]`, () => {
      expect(orderGroups(groups.map(g), order).map((x) => x.name)).toEqual(want);
    });
});

describe("renderVerdict()", () => {
  test("a passing file prints SUCCESS and an empty line on stdout", () => {
    const out = renderVerdict({ file: "t.yml", warnings: [], failures: [] });
    expect(out.map((o) => `${o.to}:${o.text}`).join("")).toBe(
      "stdout:Unit Testing:  t.yml\nstdout:  SUCCESS\nstdout:\n",
    );
  });

  test("a failing file prints each failure on stderr and an empty line per failure on stdout", () => {
    const out = renderVerdict({ file: "t.yml", warnings: [], failures: ["a", "b"] });
    expect(out.map((o) => `${o.to}:${o.text}`).join("")).toBe(
      "stdout:Unit Testing:  t.yml\nstderr:  FAILED:\nstderr:a\nstdout:\nstderr:b\nstdout:\nstdout:\n",
    );
  });
});
