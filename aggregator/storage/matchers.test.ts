import { describe, expect, test } from "bun:test";
import { compileMatchers, matcherLiterals, metricNamesOf } from "./matchers.ts";
import type { LabelMatcher } from "./storage.ts";

const m = (name: string, type: LabelMatcher["type"], value: string): LabelMatcher => ({
  name,
  type,
  value,
});

const series = ["__name__", "http_requests_total", "code", "200", "path", "/api\nv1"];

describe("compileMatchers()", () => {
  // [what, matchers, whether `series` matches]
  const cases: [string, LabelMatcher[], boolean][] = [
    ["matches everything with no matchers", [], true],
    ["matches an equal value", [m("code", "=", "200")], true],
    ["rejects a different value", [m("code", "=", "500")], false],
    ["treats an absent label as empty for =", [m("missing", "=", "")], true],
    ["treats an absent label as empty for !=", [m("missing", "!=", "")], false],
    ["matches != on another value", [m("code", "!=", "500")], true],
    ["anchors a regex at both ends", [m("code", "=~", "20")], false],
    ["matches a full regex", [m("code", "=~", "2..")], true],
    ["matches a literal alternation", [m("code", "=~", "500|200")], true],
    ["rejects a literal alternation without the value", [m("code", "=~", "500|404")], false],
    ["lets .* match an absent label", [m("missing", "=~", ".*")], true],
    ["does not let .+ match an absent label", [m("missing", "=~", ".+")], false],
    ["lets . match a newline as RE2 with (?s) does", [m("path", "=~", "/api.v1")], true],
    ["negates a regex with !~", [m("code", "!~", "2.*")], false],
    ["lets !~ match an absent label", [m("missing", "!~", "x")], true],
    ["uses RE2 classes such as [[:digit:]]", [m("code", "=~", "[[:digit:]]{3}")], true],
    ["folds case with (?i)", [m("__name__", "=~", "(?i)HTTP_.*")], true],
    ["needs every matcher to match", [m("code", "=", "200"), m("path", "=", "/")], false],
  ];
  for (const [what, matchers, expected] of cases) {
    test(`compileMatchers() ${what}`, () => {
      expect(compileMatchers(matchers)(series)).toBe(expected);
    });
  }

  test("compileMatchers() throws a SyntaxError naming the matcher for a bad regex", () => {
    expect(() => compileMatchers([m("code", "=~", "(2")])).toThrow(
      /^Cannot compile matcher code=~"\(2": missing closing \)/,
    );
    expect(() => compileMatchers([m("code", "!~", "a**")])).toThrow(SyntaxError);
  });
});

describe("matcherLiterals()", () => {
  const cases: [LabelMatcher, string[] | undefined][] = [
    [m("a", "=", "x"), ["x"]],
    [m("a", "=~", "x|y|x"), ["x", "y"]],
    [m("a", "=~", "x.y"), undefined],
    [m("a", "=~", "(x|y)"), undefined],
    [m("a", "!=", "x"), undefined],
    [m("a", "!~", "x"), undefined],
  ];
  for (const [matcher, expected] of cases) {
    test(`matcherLiterals() reads ${matcher.name}${matcher.type}"${matcher.value}"`, () => {
      expect(matcherLiterals(matcher)).toEqual(expected);
    });
  }
});

describe("metricNamesOf()", () => {
  const cases: [string, LabelMatcher[], string[] | undefined][] = [
    ["pins an equal name", [m("__name__", "=", "up")], ["up"]],
    ["pins a literal alternation, sorted", [m("__name__", "=~", "b|a")], ["a", "b"]],
    [
      "intersects several name matchers",
      [m("__name__", "=~", "a|b"), m("__name__", "=", "b")],
      ["b"],
    ],
    ["is undefined for a real regex", [m("__name__", "=~", "http_.*")], undefined],
    ["is undefined when an alternative is empty", [m("__name__", "=~", "a|")], undefined],
    ["is undefined for a negative matcher", [m("__name__", "!=", "up")], undefined],
    ["is undefined without a name matcher", [m("job", "=", "node")], undefined],
    ["ignores other labels", [m("job", "=", "x"), m("__name__", "=", "up")], ["up"]],
    ["is empty when the names cannot meet", [m("__name__", "=", "a"), m("__name__", "=", "b")], []],
  ];
  for (const [what, matchers, expected] of cases) {
    test(`metricNamesOf() ${what}`, () => {
      expect(metricNamesOf(matchers)).toEqual(expected);
    });
  }
});
