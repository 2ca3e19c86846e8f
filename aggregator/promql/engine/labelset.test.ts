import { describe, expect, test } from "bun:test";
import { compareLabels, isValidLabelName } from "../../../shared/model/labels.ts";
import {
  deleteLabels,
  dropMetricName,
  groupingKey,
  groupingLabels,
  keepLabels,
  matchLabels,
  matchSignature,
  setLabel,
} from "./labelset.ts";

const up = ["__name__", "up", "instance", "a", "job", "x"];

describe("setLabel()", () => {
  const cases: [string, string, string, string[]][] = [
    [
      "adds a label in name order",
      "env",
      "prod",
      ["__name__", "up", "env", "prod", "instance", "a", "job", "x"],
    ],
    ["replaces a value", "job", "y", ["__name__", "up", "instance", "a", "job", "y"]],
    ["deletes a label set to the empty string", "job", "", ["__name__", "up", "instance", "a"]],
    ["appends a label that sorts last", "zone", "z", [...up, "zone", "z"]],
  ];
  for (const [name, label, value, want] of cases) {
    test(name, () => expect(setLabel(up, label, value)).toEqual(want));
  }
});

test("deleteLabels() and keepLabels() remove or keep the listed names", () => {
  expect(deleteLabels(up, ["instance", "nope"])).toEqual(["__name__", "up", "job", "x"]);
  expect(keepLabels(up, ["job"])).toEqual(["job", "x"]);
});

test("dropMetricName() removes the name and the type/unit metadata labels only", () => {
  expect(dropMetricName(["__name__", "x", "__type__", "counter", "a", "1"])).toEqual(["a", "1"]);
  const plain = ["a", "1"];
  expect(dropMetricName(plain)).toBe(plain);
});

test("compareLabels() orders by name then value, pair by pair, shorter first", () => {
  expect(compareLabels(["a", "1"], ["a", "2"])).toBeLessThan(0);
  expect(compareLabels(["a", "1", "b", "1"], ["a", "1"])).toBeGreaterThan(0);
  expect(compareLabels(["b", "1"], ["a", "9"])).toBeGreaterThan(0);
  expect(compareLabels(up, [...up])).toBe(0);
});

describe("matchSignature()", () => {
  test("on(...) looks only at the listed labels", () => {
    const sig = matchSignature(true, ["job"]);
    expect(sig(up)).toBe(sig(["job", "x", "other", "1"]));
    expect(sig(up)).not.toBe(sig(["job", "y"]));
  });
  test("ignoring(...) looks at every label but the name and the listed ones", () => {
    const sig = matchSignature(false, ["instance"]);
    expect(sig(up)).toBe(sig(["__name__", "other", "instance", "b", "job", "x"]));
    expect(sig(up)).not.toBe(sig(["job", "x", "zone", "1"]));
  });
  test("keeps label boundaries apart", () => {
    const sig = matchSignature(false, []);
    expect(sig(["a", "bc"])).not.toBe(sig(["ab", "c"]));
  });
});

test("groupingKey() and groupingLabels() follow by and without", () => {
  expect(groupingKey(up, ["job"], false)).toBe(groupingKey(["job", "x"], ["job"], false));
  expect(groupingLabels(up, ["job", "nope"], false)).toEqual(["job", "x"]);
  expect(groupingLabels(up, ["instance"], true)).toEqual(["job", "x"]);
  expect(groupingLabels(up, [], false)).toEqual([]);
});

test("matchLabels() keeps the on() labels, or drops the ignored ones and the name", () => {
  expect(matchLabels(up, true, ["job"])).toEqual(["job", "x"]);
  expect(matchLabels(up, false, ["job"])).toEqual(["instance", "a"]);
});

test("isValidLabelName() accepts any non-empty well-formed string", () => {
  expect(isValidLabelName("a.b-c")).toBe(true);
  expect(isValidLabelName("")).toBe(false);
  expect(isValidLabelName("\ud800")).toBe(false);
});
