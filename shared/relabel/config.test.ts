// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { describe, expect, test } from "bun:test";
import { relabelConfigSchema } from "./config.ts";

// [description, rule as written in YAML, path of the expected issue, part of its message]
const invalid: [string, Record<string, unknown>, string, string][] = [
  ["an unknown field", { target_label: "a", regexp: "x" }, "", "regexp"],
  ["an unknown action", { target_label: "a", action: "replcae" }, "action", ""],
  ["replace without target_label", { source_labels: ["a"] }, "target_label", "replace"],
  [
    "hashmod without modulus",
    { target_label: "s", action: "hashmod" },
    "modulus",
    "greater than 0",
  ],
  ["a negative modulus", { target_label: "s", action: "hashmod", modulus: -1 }, "modulus", ""],
  ["a fractional modulus", { target_label: "s", action: "hashmod", modulus: 1.5 }, "modulus", ""],
  ["hashmod without target_label", { action: "hashmod", modulus: 2 }, "target_label", "hashmod"],
  ["lowercase without target_label", { action: "lowercase" }, "target_label", "lowercase"],
  [
    "uppercase with a replacement",
    { action: "uppercase", target_label: "a", replacement: "x" },
    "replacement",
    "",
  ],
  ["keepequal with a regex", { action: "keepequal", target_label: "a", regex: "x" }, "regex", ""],
  [
    "dropequal with a separator",
    { action: "dropequal", target_label: "a", separator: "," },
    "separator",
    "",
  ],
  [
    "dropequal without target_label",
    { action: "dropequal", source_labels: ["a"] },
    "target_label",
    "",
  ],
  [
    "labeldrop with source_labels",
    { action: "labeldrop", regex: "a", source_labels: ["b"] },
    "source_labels",
    "",
  ],
  [
    "labelkeep with target_label",
    { action: "labelkeep", regex: "a", target_label: "b" },
    "target_label",
    "",
  ],
  [
    "labeldrop with a replacement",
    { action: "labeldrop", regex: "a", replacement: "b" },
    "replacement",
    "",
  ],
  [
    "labelmap with an empty replacement",
    { action: "labelmap", regex: "a", replacement: "" },
    "replacement",
    "",
  ],
  [
    "a regex that does not compile",
    { source_labels: ["a"], action: "drop", regex: "node_(cpu" },
    "regex",
    'Cannot compile relabel regex "node_(cpu"',
  ],
  ["an empty source label name", { source_labels: [""], action: "drop" }, "source_labels.0", ""],
];

describe("relabelConfigSchema", () => {
  test("fills in Prometheus's defaults", () => {
    expect(relabelConfigSchema.parse({ target_label: "a" })).toEqual({
      source_labels: [],
      separator: ";",
      regex: "(.*)",
      modulus: 0,
      target_label: "a",
      replacement: "$1",
      action: "replace",
    });
  });

  test("accepts an action in any case, as Prometheus lower-cases it", () => {
    expect(relabelConfigSchema.parse({ target_label: "a", action: "Replace" }).action).toBe(
      "replace",
    );
  });

  test.each([
    [
      "labelmap with source_labels and target_label, which it ignores",
      { action: "labelmap", regex: "x", source_labels: ["a"], target_label: "b" },
    ],
    ["a UTF-8 target label", { target_label: "utf-8.label" }],
    [
      "a target label that only exists after expansion",
      { source_labels: ["a"], regex: "(.*)", target_label: "${1}" },
    ],
    [
      "keepequal with explicit default fields",
      { action: "keepequal", target_label: "a", regex: "(.*)", replacement: "$1" },
    ],
    ["an empty regex", { action: "drop", source_labels: ["a"], regex: "" }],
  ])("accepts %s", (_, rule) => {
    expect(relabelConfigSchema.safeParse(rule).success).toBe(true);
  });

  test.each(invalid)("rejects %s", (_, rule, path, message) => {
    const result = relabelConfigSchema.safeParse(rule);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(issue.path.join(".")).toBe(path);
    expect(issue.message).toContain(message);
  });
});
