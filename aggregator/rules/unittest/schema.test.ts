import { describe, expect, test } from "bun:test";
import { parseYamlConfig } from "../../../shared/config/load.ts";
import { readAsPromtool, testFileSchema } from "./schema.ts";

const parse = (text: string) =>
  parseYamlConfig(text, "t.yml", testFileSchema, { prepare: readAsPromtool });

describe("the test file schema", () => {
  const values: [string, string][] = [
    ["0x5", "0x5"],
    ["010", "010"],
    ["1e3", "1e3"],
    ["1", "1"],
    ['"1 2"', "1 2"],
  ];
  for (const [yaml, want] of values)
    test(`values: ${yaml} keeps its text ${JSON.stringify(want)}, as Go reads a string field`, () => {
      const file = parse(`tests:\n  - input_series:\n      - series: a\n        values: ${yaml}\n`);
      expect(file.tests[0].input_series[0].values).toBe(want);
    });

  test("an expected value stays a number, .nan included", () => {
    const file = parse(
      "tests:\n  - promql_expr_test:\n      - expr: a\n        eval_time: 1m\n        exp_samples:\n          - {labels: a, value: .nan}\n          - {labels: b, value: 0x10}\n",
    );
    const samples = file.tests[0].promql_expr_test[0].exp_samples;
    expect(samples[0].value).toBeNaN();
    expect(samples[1].value).toBe(16);
  });

  test("durations default as the docs say and are read in ms", () => {
    const file = parse("tests:\n  - alert_rule_test:\n      - {eval_time: 1h5m, alertname: A}\n");
    expect(file.evaluation_interval).toBe(60_000);
    expect(file.tests[0].alert_rule_test[0].eval_time).toBe(3_900_000);
    expect(file.tests[0].alert_rule_test[0].exp_alerts).toEqual([]);
  });

  test("fuzzy_compare reads YAML 1.1's bool words, as yaml.v2 does", () => {
    expect(parse("fuzzy_compare: yes\ntests: []\n").fuzzy_compare).toBe(true);
    expect(() => parse('fuzzy_compare: "yes"\n')).toThrow(/fuzzy_compare/);
  });

  test("an unknown field is an error", () => {
    expect(() => parse("tests: []\nrules: []\n")).toThrow(/rules/);
  });
});
