import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRuleFiles } from "../aggregator/rules/load.ts";
import { DEFAULT_RULE_PACK, upAggregatorConfig, upRuleFiles } from "./up_config.ts";

describe("upRuleFiles()", () => {
  const cases: [string, string[], boolean, string[]][] = [
    ["the default pack alone", [], true, [DEFAULT_RULE_PACK]],
    ["nothing with --no-default-rules", [], false, []],
    [
      "the pack then --rules globs, made absolute",
      ["r/*.yml"],
      true,
      [DEFAULT_RULE_PACK, "/home/u/r/*.yml"],
    ],
    ["absolute globs as given", ["/etc/rules/*.yml"], false, ["/etc/rules/*.yml"]],
  ];
  for (const [what, globs, withDefault, want] of cases)
    test(`gives ${what}`, () => {
      expect(upRuleFiles(globs, withDefault, "/home/u")).toEqual(want);
    });
});

describe("upAggregatorConfig()", () => {
  test("puts the rule files in rule_files, and the default pack loads without problems", async () => {
    const config = upAggregatorConfig("/tmp/outpost-up", { ruleFiles: [DEFAULT_RULE_PACK] });
    expect(config.rule_files).toEqual([DEFAULT_RULE_PACK]);
    const loaded = await loadRuleFiles(config.rule_files, config.baseDir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.groups.flatMap((g) => g.rules).length).toBeGreaterThanOrEqual(11);
  });

  test("leaves rule_files empty without rule files", () => {
    expect(upAggregatorConfig(join("/tmp", "outpost-up")).rule_files).toEqual([]);
  });

  test("sets alerting.config_file to the alertmanager.yml, and leaves it out without one", () => {
    const alertmanagerConfig = "/tmp/outpost-up/alertmanager.yml";
    const config = upAggregatorConfig("/tmp/outpost-up", { alertmanagerConfig });
    expect(config.alerting.config_file).toBe(alertmanagerConfig);
    expect(upAggregatorConfig("/tmp/outpost-up").alerting.config_file).toBeUndefined();
  });
});
