import { expect, test } from "bun:test";
import {
  formatMatcher,
  formatTook,
  labelTest,
  matchersText,
  parseMatchers,
  relativeTime,
} from "./alerts.ts";

test("parseMatchers() reads the four operators, braces and escaped quotes", () => {
  expect(parseMatchers(`{a="b", c=~"d.*", e!="f",g!~"h\\"i"}`)).toEqual([
    { name: "a", value: "b", isRegex: false, isEqual: true },
    { name: "c", value: "d.*", isRegex: true, isEqual: true },
    { name: "e", value: "f", isRegex: false, isEqual: false },
    { name: "g", value: 'h"i', isRegex: true, isEqual: false },
  ]);
  expect(parseMatchers("  ")).toEqual([]);
});

test("parseMatchers() names where it stopped on bad input", () => {
  expect(() => parseMatchers(`a="b", c`)).toThrow(`expected name="value" at "c"`);
  expect(() => parseMatchers(`a=b`)).toThrow(SyntaxError);
});

test("formatMatcher() writes what parseMatchers() reads", () => {
  for (const text of [`a="b"`, `c=~"d.*"`, `e!="f"`, `g!~"h\\"i"`]) {
    expect(formatMatcher(parseMatchers(text)[0])).toBe(text);
  }
});

test.each([
  [5_000, "5s ago"],
  [180_000, "3m ago"],
  [7_200_000, "2h ago"],
  [3 * 86_400_000, "3d ago"],
  [-3_600_000, "in 1h"],
])("relativeTime() of %p ms before now is %p", (ago, want) => {
  expect(relativeTime(1_000_000_000_000 - ago, 1_000_000_000_000)).toBe(want);
});

test("labelTest() matches as the notifier: anchored regexes, absent labels as empty", () => {
  const labels = [
    { name: "alertname", value: "HighLatency" },
    { name: "instance", value: "db-1" },
  ];
  const cases: [string, boolean][] = [
    [`instance="db-1"`, true],
    [`instance=~"db"`, false],
    [`instance=~"db.*"`, true],
    [`instance!~"web.*", alertname="HighLatency"`, true],
    [`team=""`, true],
    [`team!=""`, false],
    [`alertname!="HighLatency"`, false],
  ];
  for (const [text, want] of cases)
    expect([text, labelTest(parseMatchers(text))(labels)]).toEqual([text, want]);
});

test("labelTest() names a bad regex", () => {
  // The reason is the browser's own words (V8: "Unterminated group"), without the pattern
  // built around the user's.
  expect(() => labelTest(parseMatchers(`a=~"("`))).toThrow(
    /^Cannot use a=~"\(": the regex is not valid \([^^/]+\)$/,
  );
});

test("matchersText() writes every label as an equality matcher parseMatchers() reads back", () => {
  const labels = [
    { name: "alertname", value: "X" },
    { name: "path", value: 'a"b' },
  ];
  expect(matchersText(labels)).toBe(`alertname="X", path="a\\"b"`);
  expect(parseMatchers(matchersText(labels)).map((m) => m.value)).toEqual(["X", 'a"b']);
});

test.each([
  [0, "under 1 ms"],
  [0.001, "1 ms"],
  [0.0124, "12 ms"],
  [1.54, "1.5 s"],
])("formatTook(%p) reads %p", (seconds, want) => {
  expect(formatTook(seconds)).toBe(want);
});
