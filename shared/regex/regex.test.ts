import { describe, expect, test } from "bun:test";
import { compileRegex, compileSearch, RegexError } from "./regex.ts";

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
  ["\\Q(\\E", "(", true], // a quoted parenthesis opens no group
  ["\\Qa.b", "a.b", true], // `\Q` quotes to the end, not past Prometheus's wrapper
  ["\\Qa\\", "a\\", true],
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
  ["(?i)k", "\u212a", true], // Go folds the Kelvin sign to k
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
  ["...", "é😀～", true], // `.` is one code point, not one UTF-16 unit
  ["..", "😀", false],
];

// [pattern, input, expected capture groups 1…n (undefined when a group did not take part)]
const capturing: [string, string, (string | undefined)[]][] = [
  ["(?U)(a+)(a*)", "aaa", ["a", "aa"]], // U swaps greedy and lazy
  ["(?U)(a+?)(a*)", "aaa", ["aaa", ""]],
  ["(a+?)(a*)", "aaa", ["a", "aa"]],
  ["(?P<host>[^:]+):(?<port>\\d+)", "db:5432", ["db", "5432"]],
  ["(a)|(b)", "b", [undefined, "b"]],
  ["(a|ab)(c|bcd)(d*)", "abcd", ["a", "bcd", ""]], // leftmost-first, as Go, not longest
  ["(.)(.)é(.+)", "😀～éx😀", ["😀", "～", "x😀"]], // offsets in UTF-16 units, not bytes
  ["(?i)(É+)", "éÉ", ["éÉ"]],
];

// [pattern, Go's reason]
const invalid: [string, string][] = [
  ["node_(cpu|memory", "missing closing ): `node_(cpu|memory`"],
  // Prometheus accepts this in relabeling by accident (the `)` closes its own `^(?s:`
  // wrapper) and rejects it in matchers; we reject it everywhere.
  ["a)|(b", "unexpected ): `a)|(b`"],
  ["[a", "missing closing ]: `[a`"],
  ["(?=x)", "invalid or unsupported Perl syntax: `(?=`"],
  ["(?!x)", "invalid or unsupported Perl syntax: `(?!`"],
  ["(?<=x)a", "invalid named capture: `(?<=x)a`"], // as Go reads it: RE2 has no lookbehind
  ["(?i-)a", "invalid or unsupported Perl syntax: `(?i-)`"],
  ["(?x)a", "invalid or unsupported Perl syntax: `(?x`"],
  ["(?P=name)", "invalid or unsupported Perl syntax: `(?P`"],
  ["(a)\\1", "invalid escape sequence: `\\1`"], // RE2 has no backreferences
  ["\\C", "invalid escape sequence: `\\C`"], // RE2 C++ has \C (any byte); Go does not
  ["\\Z", "invalid escape sequence: `\\Z`"],
  ["\\x{110000}", "invalid escape sequence: `\\x{110000`"],
  ["\\é", "invalid escape sequence: `\\é`"],
  ["a\\", "trailing backslash at end of expression"],
  ["a**", "invalid nested repetition operator: `**`"],
  ["a{2}*", "invalid nested repetition operator: `{2}*`"],
  ["*a", "missing argument to repetition operator: `*`"],
  ["(|+)", "missing argument to repetition operator: `+`"],
  ["x{1001}", "invalid repeat count: `{1001}`"],
  ["x{3,2}", "invalid repeat count: `{3,2}`"],
  ["(a{1000}){1000}", "invalid repeat count: `{1000}`"], // Go caps nested repeats too
  [`${"(".repeat(1001)}a${")".repeat(1001)}`, "expression nests too deeply"],
  ["[z-a]", "invalid character class range: `z-a`"],
  ["[[:foo:]]", "invalid character class range: `[:foo:]`"],
  ["\\p{Foo}", "invalid character class range: `\\p{Foo}`"],
  ["\\p{Greek", "invalid character class range: `\\p{Greek`"],
  ["(?P<>a)", "invalid named capture: `(?P<>`"],
  ["(?P<a-b>x)", "invalid named capture: `(?P<a-b>`"],
  ["(?P<é>x)", "invalid named capture: `(?P<é>`"], // names are ASCII in Go
  ["(?P<name", "invalid named capture: `(?P<name`"],
  ["(?P<n>a", "missing closing ): `(?P<n>a`"], // the message quotes the pattern as written
  ["\ud800", "invalid UTF-8"],
];

describe("compileRegex()", () => {
  test.each(matching)("matches %j against %j as RE2 would: %p", (pattern, input, expected) => {
    expect(compileRegex(pattern).test(input)).toBe(expected);
  });

  test.each(capturing)("captures %j in %j as RE2 would", (pattern, input, expected) => {
    expect(compileRegex(pattern).exec(input)?.slice(1)).toEqual(expected);
  });

  test.each(invalid)("rejects %j with Go's reason %j", (pattern, reason) => {
    // A pattern over 200 characters is named by its start (a form of megabytes is not echoed).
    const shown = pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern;
    expect(() => compileRegex(pattern)).toThrow(
      `Cannot compile relabel regex "${shown}": ${reason}`,
    );
  });

  test("keeps Go's group names, including repeated ones re2js would refuse", () => {
    const regex = compileRegex("(a)(?P<host>b)(?<1x>c)(d)(?P<host>e)?");
    expect(regex.groupNames).toEqual(["", "", "host", "1x", "", "host"]);
    expect(regex.exec("abcd")).toEqual(["abcd", "a", "b", "c", "d", undefined]);
  });

  test("throws a RegexError, a SyntaxError, that carries the reason apart", () => {
    const error = (() => {
      try {
        compileRegex("(");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RegexError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as RegexError).reason).toBe("missing closing ): `(`");
  });

  test("throws again for a bad pattern asked for a second time", () => {
    expect(() => compileRegex("a(")).toThrow("missing closing )");
    expect(() => compileRegex("a(")).toThrow("missing closing )");
  });

  test("reads a lone surrogate as U+FFFD and captures the caller's own text", () => {
    expect(compileRegex("a\\x{FFFD}b").test("a\ud800b")).toBe(true);
    expect(compileRegex("a(.)(b)").exec("a\udc00b")).toEqual(["a\udc00b", "\udc00", "b"]);
    expect(compileRegex("[^x]").test("\ud800")).toBe(true);
  });
});

describe("compileSearch()", () => {
  // [pattern, text, Go's FindStringSubmatch]
  const cases: [string, string, (string | undefined)[] | null][] = [
    ["b+", "abbbc", ["bbb"]], // anywhere in the text
    ["^b", "ab", null], // `^` is still the start of the text
    ["a.b", "a\nb", null], // Go's default flags: `.` does not match `\n`
    ["(?s)a.b", "a\nb", ["a\nb"]],
    ["(?m)^b$", "a\nb\nc", ["b"]],
    ["ab|a", "xab", ["ab"]], // leftmost-first
    ["(?P<user>\\w+)@(\\w+)", "mail: ann@host!", ["ann@host", "ann", "host"]],
    ["é(.)", "xx😀é～z", ["é～", "～"]],
    ["error", "an error here", ["error"]],
    ["error", "all fine", null],
    ["", "x", [""]],
  ];
  test.each(cases)("finds %j in %j as Go's regexp does", (pattern, text, expected) => {
    expect(compileSearch(pattern).exec(text)).toEqual(expected);
    expect(compileSearch(pattern).test(text)).toBe(expected !== null);
  });

  test("lists successive matches as Go's FindAll does, skipping an empty one after a match", () => {
    expect(compileSearch("a*").findAll("baaac")).toEqual([
      [0, 0],
      [1, 4],
      [5, 5],
    ]);
    expect(compileSearch("é*").findAll("😀ééx")).toEqual([
      [0, 0],
      [2, 4],
      [5, 5],
    ]);
  });

  test("names the pattern in its error without the word relabel", () => {
    expect(() => compileSearch("(?P<x")).toThrow(
      'Cannot compile regex "(?P<x": invalid named capture: `(?P<x`',
    );
  });
});
