import { describe, expect, test } from "bun:test";
import { formatGoG } from "./go_float.ts";
import { styleOf } from "./yaml_style.ts";
import { compareKeys, toYamlV2, type YamlValue } from "./yaml_v2.ts";

describe("styleOf()", () => {
  test.each([
    ["5m", "plain"],
    ["2", "double"],
    ["1.5", "double"],
    ["true", "double"],
    ["on", "double"],
    ["", "double"],
    ["2024-01-02", "double"],
    ["1:30", "double"],
    ["#alerts-myteam", "single"],
    ["{{$labels.x}} y", "single"],
    ["a: b", "single"],
    ["a #b", "single"],
    ["- x", "single"],
    [" lead", "single"],
    ["tab\there", "double"],
    ["a\nb\n", "literal"],
    ["a \nb", "double"],
    ["https://x/y#z", "plain"],
  ] as const)("writes %j as yaml.v2 does: %s", (s, style) => {
    expect(styleOf(s)).toBe(style);
  });
});

describe("toYamlV2()", () => {
  test("folds a long plain scalar at the first space past column 80", () => {
    const expr = `1 - slo:period_burn_rate:ratio{sloth_id="${"x".repeat(40)}", sloth_service="s"}`;
    expect(toYamlV2(new Map([["expr", expr]]))).toBe(
      `expr: 1 - slo:period_burn_rate:ratio{sloth_id="${"x".repeat(40)}",\n  sloth_service="s"}\n`,
    );
  });

  test("writes literal blocks with the chomping indicator of their last line", () => {
    const doc = new Map([
      ["a", "x\ny\n"],
      ["b", "x\ny"],
      ["c", "x\n\n"],
    ]);
    expect(toYamlV2(doc)).toBe("a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n");
  });

  test("leaves a list under its key unindented and sorts plain-object keys", () => {
    const doc = new Map([
      [
        "groups",
        [
          new Map<string, YamlValue>([
            ["name", "g"],
            ["labels", { b: "1", a: "x" }],
          ]),
        ],
      ],
    ]);
    expect(toYamlV2(doc)).toBe('groups:\n- name: g\n  labels:\n    a: x\n    b: "1"\n');
  });
});

describe("compareKeys()", () => {
  test.each([
    ["a2", "a10", -1],
    ["sloth_id", "slothA", -1],
    ["a", "ab", -1],
    ["b", "a", 1],
  ])("orders %s and %s as yaml.v2 does", (a, b, sign) => {
    expect(Math.sign(compareKeys(a, b))).toBe(sign);
  });
});

describe("formatGoG()", () => {
  test.each([
    [0.999, "0.999"],
    [99.9 / 100, "0.9990000000000001"],
    [(100 - 99.9) / 100, "0.0009999999999999432"],
    [14.4, "14.4"],
    [30, "30"],
    [1e-5, "1e-05"],
    [(100 - 99.999) / 100, "1.0000000000047748e-05"],
    [1e6, "1e+06"],
    [123456, "123456"],
  ])("prints %d as Go's %%v: %s", (v, text) => {
    expect(formatGoG(v)).toBe(text);
  });
});
