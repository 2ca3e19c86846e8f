import { describe, expect, test } from "bun:test";
import { compileRegex, compileSearch } from "./regex.ts";
import { anchoredShortcut, isLiteral, searchShortcut } from "./shortcut.ts";

const texts = [
  "",
  "a",
  "\n",
  "foo",
  "foobar",
  "foo\nbar",
  "xfoo",
  "barfoo",
  "foo:9100",
  "10.0.0.1:9100",
  ":9100",
  "é😀～",
  "\ud800",
  "foo\ud800",
  "node_cpu_seconds_total",
  "api",
  "ab",
  "aab",
  "FoO",
  "xfOOy",
  "\u212a",
  "\u017f",
  "K",
  "s",
  "A/B-C",
];

// Patterns that take a shortcut; wrapped in `(?:…)` they mean the same and take none.
const anchored = [
  "foo",
  "",
  "api|web",
  "a|",
  ".*",
  ".+",
  "(.*)",
  "(.+)",
  "foo.*",
  "foo.+",
  "foo(.*)",
  "foo(.+)",
  ".*:9100",
  "(.*):9100",
  "node_(.+)_total",
  "a.+b",
  ".*o.*",
  ".*é😀.*",
];

describe("anchoredShortcut()", () => {
  test.each(anchored)("answers %j as the engine does", (pattern) => {
    const shortcut = anchoredShortcut(pattern);
    expect(shortcut).not.toBeNull();
    const engine = compileRegex(`(?:${pattern})`);
    for (const text of texts) {
      expect([text, shortcut!.test(text)]).toEqual([text, engine.test(text)]);
      expect([text, shortcut!.exec!(text)]).toEqual([text, engine.exec(text)]);
    }
  });

  test.each([
    "foo.*?",
    ".*foo.*bar",
    "(.*)(.*)",
    "fo+",
    "(?i)foo",
    "a\\.b",
    "[ab]",
    "\uFFFD.*",
    "(.*",
  ])("leaves %j to the engine", (pattern) => {
    expect(anchoredShortcut(pattern)).toBeNull();
  });
});

describe("searchShortcut()", () => {
  test.each(["foo", "", "api|web", "o|fo", "(?i)FOO", "(?i)k", "(?i)s"])(
    "answers %j as the engine does",
    (pattern) => {
      const engine = compileSearch(`(?:${pattern})`);
      const shortcut = searchShortcut(pattern);
      expect(shortcut).not.toBeNull();
      for (const text of texts) {
        expect([text, shortcut!.test(text)]).toEqual([text, engine.test(text)]);
        if (shortcut!.exec) expect([text, shortcut!.exec(text)]).toEqual([text, engine.exec(text)]);
      }
    },
  );

  test("leaves the leftmost of several literals to the engine", () => {
    expect(searchShortcut("o|fo")?.exec).toBeUndefined();
    expect(compileSearch("o|fo").exec("foo")).toEqual(["fo"]);
  });
});

test.each(["(?i)é", "(?i)a.b", "(?i)a|b", "(?-i)a"])(
  "searchShortcut() leaves %j to the engine",
  (pattern) => {
    expect(searchShortcut(pattern)).toBeNull();
  },
);

describe("isLiteral()", () => {
  test.each([
    ["node_cpu", true],
    ["a-b/c d#é", true],
    ["a.b", false],
    ["a{2}", false],
    ["a]", false],
    ["\ud800", false],
  ] as const)("says whether %j means itself: %p", (text, expected) => {
    expect(isLiteral(text)).toBe(expected);
  });
});
