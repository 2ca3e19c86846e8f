import { describe, expect, test } from "bun:test";
import { compileSearch } from "./search.ts";

describe("compileSearch()", () => {
  test.each([
    ["ok", "status: ok\n", true],
    ["^ok", "status: ok", false],
    ["ok$", "ok\nmore", false],
    ["(?m)^more$", "ok\nmore\nthen", true],
    ["hello.world", "hello\nworld", false],
    ["(?s)hello.world", "hello\nworld", true],
    ["\\d+ items", "found 12 items", true],
    ["[[:upper:]]{3}", "abcDEF", true],
    ["(?i)ERROR", "an error", true],
    ["\\Qa.b\\E", "axb a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["", "anything", true],
  ])("%p searched in %p matches: %p", (pattern, text, expected) => {
    expect(compileSearch(pattern).test(text)).toBe(expected);
  });

  test.each([
    ["(", "missing closing )"],
    ["a)(b", "unexpected )"],
    ["(?<=x)y", "invalid named capture"],
    ["x**", "invalid nested repetition operator"],
  ])("refuses %p", (pattern, reason) => {
    expect(() => compileSearch(pattern)).toThrow(
      `Cannot compile regexp ${JSON.stringify(pattern)}: ${reason}`,
    );
  });

  test("returns the same RegExp for the same pattern", () => {
    expect(compileSearch("abc")).toBe(compileSearch("abc"));
  });
});
