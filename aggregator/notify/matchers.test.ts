import { describe, expect, test } from "bun:test";
import {
  formatMatchers,
  MatcherError,
  matchesAll,
  parseMatcher,
  parseMatchers,
  sortMatchers,
} from "./matchers.ts";

// Each case was run through amtool 0.25 (`amtool config routes` prints the parsed matchers).
const parsed: [string, string][] = [
  ['foo="bar"', '{foo="bar"}'],
  ["foo=bar", '{foo="bar"}'],
  ["a= b ", '{a="b"}'],
  ['d=  "x y" ', '{d="x y"}'],
  ["a=b,", '{a="b"}'],
  ["{a=b}", '{a="b"}'],
  ["{}", "{}"],
  ["", "{}"],
  ["a=b}c", '{a="b}c"}'],
  ["a=`x`", '{a="`x`"}'],
  ['{a="x,y",b!~"1|2"}', '{a="x,y",b!~"1|2"}'],
  ['e=\\"', '{e="\\""}'],
  ['f="é\\n\\t"', '{f="é\\n\\\\t"}'],
  ["g=", '{g=""}'],
  ["h=a\\b", '{h="a\\\\b"}'],
  ["a=\\\\", '{a="\\\\"}'],
  ['service=~"foo|bar",env!="prod"', '{service=~"foo|bar",env!="prod"}'],
  ["job:x=1", '{job:x="1"}'],
];

const refused: [string, string][] = [
  [" {a=b}", "bad matcher format: {a=b"],
  ["a=b,,c=d", "bad matcher format: "],
  ['a="b', 'matcher value contains unescaped double quote: "b'],
  ['a=b"', 'matcher value contains unescaped double quote: b"'],
  ["0a=b", "bad matcher format: 0a=b"],
  ['a=="b"', 'matcher value contains unescaped double quote: ="b"'],
  ["a.b=c", "bad matcher format: a.b=c"],
  ['a="x\\"', 'matcher value contains unescaped double quote: "x\\"'],
  ['b=~"(a"', "error parsing regexp: missing closing ): `^(?:(a)$`"],
  ['b=~"a{2,1}"', "error parsing regexp: invalid repeat count: `{2,1}`"],
];

describe("parseMatchers()", () => {
  test.each(parsed)("reads %p as amtool prints it, %p", (text, printed) => {
    expect(formatMatchers(parseMatchers(text))).toBe(printed);
  });

  test.each(refused)("refuses %p with Alertmanager's message", (text, message) => {
    expect(() => parseMatchers(text)).toThrow(new MatcherError(message));
  });
});

describe("Matcher.matches()", () => {
  const cases: [string, string, boolean][] = [
    ['a="b"', "b", true],
    ['a="b"', "bb", false],
    ['a!="b"', "", true],
    ['a=""', "", true],
    ['a=~"b|c"', "c", true],
    ['a=~"b|c"', "xc", false],
    ['a=~"b.*"', "bcd", true],
    ['a=~"a.b"', "a\nb", false],
    ['a!~"b|c"', "d", true],
    ['a!~"b|c"', "b", false],
    ['a=~"^b$"', "b", true],
    ['a=~"é+"', "éé", true],
  ];
  test.each(cases)("%p on value %p is %p", (text, value, want) => {
    expect(parseMatcher(text).matches(value)).toBe(want);
  });

  test("an absent label reads as the empty value", () => {
    expect(matchesAll(parseMatchers('a="",b!~".+"'), {})).toBe(true);
    expect(matchesAll(parseMatchers('a=~".+"'), {})).toBe(false);
  });
});

describe("sortMatchers()", () => {
  test("orders by name, then value, then type, as amtool prints them", () => {
    const ms = parseMatchers('a="c",a!="b",a=~"a",b=x');
    expect(formatMatchers(sortMatchers(ms))).toBe('{a=~"a",a!="b",a="c",b="x"}');
  });
});
