import { describe, expect, test } from "bun:test";
import { compileRegex } from "./regex.ts";

// [RE2 pattern, input, whether Prometheus's anchored `^(?s:pattern)$` matches it]
const matching: [string, string, boolean][] = [
  ["foo", "foo", true],
  ["foo", "xfoo", false], // anchored at the start…
  ["f|o", "foo", false], // …and at the end, around the whole alternation
  ["", "", true],
  ["", "a", false],
  ["a.b", "a\nb", true], // Prometheus 3 compiles with (?s): `.` matches a newline
  ["(?-s:a.b)", "a\nb", false],
  ["(?-s:a.b)", "a\rb", true],
  ["\\s", "\t", true],
  ["\\s", "\v", false], // RE2's \s is [\t\n\f\r ], without \v…
  ["\\s", "\u00a0", false], // …and without Unicode spaces
  ["\\d", "٣", false], // \d is ASCII only
  ["\\w+", "abc_019", true],
  ["[[:alpha:]]+", "abc", true],
  ["[[:alpha:]]+", "ab1", false],
  ["[[:^digit:]x]", "a", true],
  ["[[:^digit:]x]", "1", false],
  ["[^\\s\\d]", "a", true],
  ["[^\\s\\d]", " ", false],
  ["[]a]+", "]a]", true], // `]` first in a class is a literal
  ["[a-]+", "a-", true], // `-` last in a class is a literal
  ["[\\d-z]+", "1-z", true], // so is `-` after a class escape
  ["\\_\\.\\-", "_.-", true], // escaped punctuation stands for itself
  ["\\Qa.b*\\E", "a.b*", true],
  ["\\Qa.b*\\E", "axbb", false],
  ["\\Qab\\E+", "abbb", true], // the repeat applies to the last quoted character
  ["x{2,3}", "xxx", true],
  ["x{2,3}", "xxxx", false],
  ["x{,2}", "x{,2}", true], // not a repeat in RE2: literal braces
  ["x{01}", "x{01}", true], // leading zero: not a repeat either
  ["(?i)foo", "FoO", true],
  ["(?i)foo|bar", "BAR", true], // the flag reaches across `|`
  ["a(?i)b|c", "aB", true],
  ["a(?i)b|c", "AB", false], // but not back before where it was set
  ["a(?i)b|c", "C", true],
  ["(?i:a)b", "Ab", true],
  ["(?i:a)b", "AB", false],
  ["(?i)a(?-i)b", "Ab", true],
  ["(?i)a(?-i)b", "AB", false],
  ["(?m)a$\n^b", "a\nb", true],
  ["a$\n^b", "a\nb", false], // without m, `$` is the end of the text
  ["(?m)a$.b", "a\rb", false], // RE2 lines end only at \n
  ["\\pL+", "héllo", true],
  ["\\p{Greek}+", "αβγ", true],
  ["\\p{^Greek}", "a", true],
  ["\\PL", "1", true],
  ["\\PL", "a", false],
  ["[\\p{Lu}\\d]+", "A1B2", true],
  ["\\x{263a}\\x41\\101\\0", "☺AA\0", true],
  ["\\x41\\x{1F600}", "A😀", true],
  ["\\A\\bfoo\\b\\z", "foo", true],
  ["^foo$", "foo", true], // redundant anchors are harmless
  ["(?:^)*a", "a", true], // RE2 lets an empty-width assertion repeat
];

// [pattern, input, expected capture groups 1…n ("" when a group did not take part)]
const capturing: [string, string, string[]][] = [
  ["(?U)(a+)(a*)", "aaa", ["a", "aa"]], // U swaps greedy and lazy
  ["(?U)(a+?)(a*)", "aaa", ["aaa", ""]],
  ["(a+?)(a*)", "aaa", ["a", "aa"]],
  ["(?P<host>[^:]+):(?<port>\\d+)", "db:5432", ["db", "5432"]],
  ["(a)|(b)", "b", ["", "b"]],
];

// [pattern, start of the reason Go's regexp/syntax gives]
const invalid: [string, string][] = [
  ["node_(cpu|memory", "missing closing )"],
  // Prometheus accepts this by accident (the `)` closes its own `^(?s:` wrapper); we reject it.
  ["a)|(b", "unexpected )"],
  ["[a", "missing closing ]"],
  ["(?=x)", "invalid or unsupported Perl syntax"],
  ["(?!x)", "invalid or unsupported Perl syntax"],
  ["(?<=x)a", "invalid named capture"], // as Go reads it: RE2 has no lookbehind
  ["(?i-)a", "invalid or unsupported Perl syntax"],
  ["(?x)a", "invalid or unsupported Perl syntax"],
  ["(?P=name)", "invalid or unsupported Perl syntax"],
  ["(a)\\1", "invalid escape sequence"], // RE2 has no backreferences
  ["\\C", "invalid escape sequence"],
  ["\\Z", "invalid escape sequence"],
  ["\\x{110000}", "invalid escape sequence"],
  ["\\é", "invalid escape sequence"],
  ["a\\", "trailing backslash"],
  ["a**", "invalid nested repetition operator"],
  ["a{2}*", "invalid nested repetition operator"],
  ["*a", "missing argument to repetition operator"],
  ["(|+)", "missing argument to repetition operator"],
  ["x{1001}", "invalid repeat count"],
  ["x{3,2}", "invalid repeat count"],
  ["[z-a]", "invalid character class range"],
  ["[[:foo:]]", "invalid character class range"],
  ["\\p{Foo}", "invalid character class range"],
  ["\\p{Greek", "invalid character class range"],
  ["(?P<>a)", "invalid named capture"],
  ["(?P<a-b>x)", "invalid named capture"],
  ["(?P<name", "invalid named capture"],
  ["\ud800", "invalid UTF-8"],
];

describe("compileRegex()", () => {
  test.each(matching)("matches %j against %j as RE2 would: %p", (pattern, input, expected) => {
    expect(compileRegex(pattern).regexp.test(input)).toBe(expected);
  });

  test.each(capturing)("captures %j in %j as RE2 would", (pattern, input, expected) => {
    const match = compileRegex(pattern).regexp.exec(input);
    expect(match?.slice(1).map((g) => g ?? "")).toEqual(expected);
  });

  test.each(invalid)("rejects %j with %j", (pattern, reason) => {
    expect(() => compileRegex(pattern)).toThrow(
      `Cannot compile relabel regex "${pattern}": ${reason}`,
    );
  });

  test("keeps Go's group names, including ones JavaScript could not name", () => {
    expect(compileRegex("(a)(?P<host>b)(?<1x>c)(d)").groupNames).toEqual([
      "",
      "",
      "host",
      "1x",
      "",
    ]);
  });

  test("throws a SyntaxError so callers can tell a bad pattern from a bug", () => {
    expect(() => compileRegex("(")).toThrow(SyntaxError);
  });
});
