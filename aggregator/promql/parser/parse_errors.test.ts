import { describe, expect, test } from "bun:test";
import { ParseError, parseExpr } from "./parse.ts";
import type { ParseOptions } from "./state.ts";

/** [query, Prometheus 3's error message]; most come from Prometheus's parse_test.go. */
const CASES: [string, string][] = [
  // Input and literals.
  ["", "unknown position: parse error: no expression found in input"],
  ["# just a comment\n\n", "1:1: parse error: no expression found in input"],
  ["1+", "1:3: parse error: unexpected end of input"],
  [".", "1:1: parse error: unexpected character: '.'"],
  ["2.5.", '1:1: parse error: bad number or duration syntax: "2.5."'],
  ["100..4", '1:1: parse error: bad number or duration syntax: "100.."'],
  ["0deadbeef", '1:1: parse error: bad number or duration syntax: "0de"'],
  ["1 /", "1:4: parse error: unexpected end of input"],
  ["*1", "1:1: parse error: unexpected <op:*>"],
  ["(1))", "1:5: parse error: unexpected right parenthesis ')'"],
  ["((1)", "1:5: parse error: unclosed left parenthesis"],
  ["(", "1:2: parse error: unclosed left parenthesis"],
  [
    "9".repeat(309),
    `1:1: parse error: error parsing number: strconv.ParseFloat: parsing "${"9".repeat(309)}": value out of range`,
  ],
  ["1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"],
  ["1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"],
  ["`\\``", "1:4: parse error: unterminated raw string"],
  ['"\\', "1:1: parse error: escape sequence not terminated"],
  ['"\\c"', "1:1: parse error: unknown escape sequence U+0063 'c'"],
  ['"\\x."', "1:1: parse error: illegal character U+002E '.' in escape sequence"],
  ['"\\uD800"', "1:1: parse error: escape sequence is an invalid Unicode code point"],
  ['"abc\ndef"', "1:1: parse error: unterminated quoted string"],
  ["1 +\n  @", "2:3: parse error: unexpected <op:@>"],
  ['{"é"="x"} + *', "1:14: parse error: unexpected <op:*>"],
  // Offsets and @.
  [
    "1 offset 1d",
    "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
  ],
  ["foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"],
  ["some_metric[5m] OFFSET 1mm", '1:24: parse error: bad number or duration syntax: "1mm"'],
  [
    "some_metric[5m] OFFSET",
    "1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()",
  ],
  [
    "foo offset bar",
    '1:12: parse error: unexpected identifier "bar" in offset, expected number, duration, step(), or range()',
  ],
  ["foo offset 9.5e10", "1:12: parse error: duration out of range"],
  ["foo offset (5m)", "1:13: parse error: experimental duration expression is not enabled"],
  ["foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"],
  ["foo @ -Inf", "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"],
  ["foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"],
  [
    "foo @ 9223372036854775808.000000",
    "1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000",
  ],
  [
    "foo @ -9223372036854775809.000000",
    "1:1: parse error: timestamp out of bounds for @ modifier: -9223372036854775808.000000",
  ],
  ["some_metric[5m] @", "1:18: parse error: unexpected end of input in @, expected timestamp"],
  ["foo @ start", "1:12: parse error: unexpected end of input in @, expected timestamp"],
  ["foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"],
  [
    "rate(some_metric[5m]) @ 1234",
    "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
  ],
  ["foo smoothed", "1:1: parse error: smoothed modifier is experimental and not enabled"],
  // Selectors.
  ["{", "1:2: parse error: unexpected end of input inside braces"],
  ["}", "1:1: parse error: unexpected character: '}'"],
  ["some{", "1:6: parse error: unexpected end of input inside braces"],
  ["some}", "1:5: parse error: unexpected character: '}'"],
  [
    "some_metric{a=b}",
    '1:15: parse error: unexpected identifier "b" in label matching, expected string',
  ],
  ['some_metric{a:b="b"}', "1:14: parse error: unexpected character inside braces: ':'"],
  ['foo{a*"b"}', "1:6: parse error: unexpected character inside braces: '*'"],
  ['foo{a>="b"}', "1:6: parse error: unexpected character inside braces: '>'"],
  ['foo{a!"b"}', "1:6: parse error: unexpected character after '!' inside braces: '\"'"],
  ["foo{{", "1:5: parse error: unexpected left brace '{'"],
  [
    "foo{gibberish}",
    '1:14: parse error: unexpected "}" in label matching, expected label matching operator',
  ],
  ["foo{1}", "1:5: parse error: unexpected character inside braces: '1'"],
  ["{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x=""}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x=~".*"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x!~".+"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x!="a"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
  ["foo{__name__= =}", '1:15: parse error: unexpected "=" in label matching, expected string'],
  ["foo{,}", '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
  [
    'foo{__name__ == "bar"}',
    '1:15: parse error: unexpected "=" in label matching, expected string',
  ],
  [
    'foo{__name__="bar" lol}',
    '1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}"',
  ],
  ['foo{"a"=}', '1:9: parse error: unexpected "}" in label matching, expected string'],
  ['foo{a=~"(.*"}', "1:5: parse error: error parsing regexp: missing closing ): `(.*`"],
  // Ranges and subqueries.
  ["foo[5mm]", '1:5: parse error: bad number or duration syntax: "5mm"'],
  ["foo[5m1]", '1:5: parse error: bad number or duration syntax: "5m1"'],
  ["foo[5m:1m1]", '1:8: parse error: bad number or duration syntax: "1m1"'],
  ["foo[5y1hs]", '1:5: parse error: unknown unit "hs" in duration "5y1hs"'],
  ["foo[5m1h]", '1:5: parse error: not a valid duration string: "5m1h"'],
  ["foo[5m1m]", '1:5: parse error: not a valid duration string: "5m1m"'],
  ["foo[0m]", "1:5: parse error: duration must be greater than 0"],
  ['foo["5m"]', "1:5: parse error: unexpected character in duration expression: '\"'"],
  [
    "foo[]",
    '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
  ],
  ["foo[-1]", "1:5: parse error: duration must be greater than 0"],
  [
    "foo[5m 1]",
    '1:8: parse error: unexpected number "1" in subquery or range, expected ":" or "]"',
  ],
  ["foo[5m:1m 1]", '1:11: parse error: unexpected number "1" in subquery selector, expected "]"'],
  ["foo[5m:1m:]", "1:10: parse error: unexpected colon ':'"],
  ["foo[5m][5m]", "1:8: parse error: ranges only allowed for vector selectors"],
  ["foo[5m", "1:7: parse error: unclosed left bracket"],
  ["foo]", "1:4: parse error: unexpected right bracket ']'"],
  ["foo[5m[", "1:7: parse error: unexpected left bracket '['"],
  ["foo[9.5e10]", "1:5: parse error: duration out of range"],
  ["foo[5m+1m]", "1:5: parse error: experimental duration expression is not enabled"],
  [
    "foo[step]",
    '1:9: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
  ],
  ["foo[5s x 5s]", "1:8: parse error: unexpected character: 'x', expected ':'"],
  ["foo[5s s 5s]", "1:8: parse error: unexpected character: 's', expected ':'"],
  ["some_metric OFFSET 1m[5m]", "1:22: parse error: no offset modifiers allowed before range"],
  ["some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"],
  ["some_metric @ start() [5m]", "1:23: parse error: no @ modifiers allowed before range"],
  ["some_metric @ end()[5m]", "1:20: parse error: no @ modifiers allowed before range"],
  ["(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"],
  ['foo{bar="baz"}[', "1:16: parse error: unexpected end of input in duration expression"],
  [
    "test[5d] OFFSET 10s [10m:5s]",
    "1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
  ],
  [
    '(foo + bar{nm="val"})[5m:][10m:5s]',
    "1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
  ],
  ['"x"[5m:]', "1:1: parse error: subquery is only allowed on instant vector, got string instead"],
  ["rate(food[1m])[1h] offset 1h", "1:15: parse error: ranges only allowed for vector selectors"],
  ["rate(food[1m])[1h] @ 100", "1:15: parse error: ranges only allowed for vector selectors"],
  ["1[5m] smoothed", "1:2: parse error: ranges only allowed for vector selectors"],
];

function messageOf(query: string, options?: ParseOptions): string {
  try {
    parseExpr(query, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toBeInstanceOf(SyntaxError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}

describe("parseExpr() errors", () => {
  for (const [query, message] of CASES) {
    test(`parseExpr() rejects ${JSON.stringify(query).slice(0, 60)} as Prometheus does`, () => {
      expect(messageOf(query)).toBe(message);
    });
  }

  test("parseExpr() reports only the first of many problems, without slowing down", () => {
    const query = `(${"-{}-1".repeat(10_000)})${"[1m:]".repeat(200)}`;
    expect(messageOf(query)).toBe(
      "1:3: parse error: vector selector must contain at least one non-empty matcher",
    );
  });

  test("parseExpr() reports where the problem is as a span of the query", () => {
    const error = (() => {
      try {
        parseExpr("sum(foo) + bar{");
      } catch (e) {
        return e as ParseError;
      }
    })();
    expect(error?.span).toEqual({ start: 15, end: 15 });
    expect(error?.reason).toBe("unexpected end of input inside braces");
  });

  const optionCases: [string, ParseOptions, string][] = [
    [
      "limitk(1, foo)",
      { experimentalFunctions: false },
      "1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
    ],
    [
      "mad_over_time(foo[5m])",
      { experimentalFunctions: false },
      '1:1: parse error: function "mad_over_time" is not enabled',
    ],
    [
      "foo[step()/0d]",
      { durationExpressions: true },
      "1:5: parse error: step() in durations is not supported",
    ],
    ["foo[5s/0d]", { durationExpressions: true }, "1:7: parse error: division by zero"],
    ["foo offset (4d/0)", { durationExpressions: true }, "1:15: parse error: division by zero"],
    ["foo[5s%0d]", { durationExpressions: true }, "1:7: parse error: modulo by zero"],
    [
      "foo[5m-10m]",
      { durationExpressions: true },
      "1:5: parse error: duration must be greater than 0",
    ],
  ];
  for (const [query, options, message] of optionCases) {
    test(`parseExpr() with ${JSON.stringify(options)} rejects ${query}`, () => {
      expect(messageOf(query, options)).toBe(message);
    });
  }
});
