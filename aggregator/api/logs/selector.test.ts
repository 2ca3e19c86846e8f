import { describe, expect, test } from "bun:test";
import { EMPTY_COMPATIBLE, ONLY_MATCHERS, parseStreamSelector } from "./selector.ts";

describe("parseStreamSelector()", () => {
  // [input, matchers as name+op+value]
  const cases: [string, string[]][] = [
    ['{app="api"}', ["app=api"]],
    [' { app = "api" , env =~ "prod|dev" } ', ["app=api", "env=~prod|dev"]],
    ['{a!="x",b!~"y.*",c=~`\\d+`}', ["a!=x", "b!~y.*", "c=~\\d+"]],
    ['{msg="tab\\there \\"quoted\\""}', ['msg=tab\there "quoted"']],
  ];
  for (const [input, expected] of cases) {
    test(`reads ${input}`, () => {
      const got = parseStreamSelector(input, false).map((m) => `${m.name}${m.type}${m.value}`);
      expect(got).toEqual(expected);
    });
  }

  // [input, validate, message]
  const invalid: [string, boolean, string][] = [
    ['{app="api"} |= "x"', false, ONLY_MATCHERS],
    [
      'rate({app="api"}[1m])',
      false,
      'parse error at line 1, col 1: syntax error: unexpected "r", expecting {',
    ],
    [
      "{}",
      false,
      'parse error at line 1, col 2: syntax error: unexpected "}", expecting IDENTIFIER',
    ],
    [
      '{app="api"',
      false,
      "parse error at line 1, col 11: syntax error: unexpected $end, expecting }",
    ],
    ['{app="api}', false, "parse error at line 1, col 6: literal not terminated"],
    ['{app=~"("}', false, 'parse error at line 1, col 10: invalid regular expression "("'],
    ['{app=~".*"}', true, EMPTY_COMPATIBLE],
    ['{app!="x"}', true, EMPTY_COMPATIBLE],
  ];
  for (const [input, validate, message] of invalid) {
    test(`refuses ${input}${validate ? " when validating" : ""}`, () => {
      expect(() => parseStreamSelector(input, validate)).toThrow(message);
    });
  }

  test("accepts a selector that matches everything when not validating (series)", () => {
    expect(parseStreamSelector('{app=~".*"}', false)).toHaveLength(1);
  });
});
