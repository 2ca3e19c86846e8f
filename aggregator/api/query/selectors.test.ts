import { describe, expect, test } from "bun:test";
import { isValidLabelName } from "../../../shared/model/labels.ts";
import { parseMatchers, unescapeLabelName } from "./selectors.ts";

describe("unescapeLabelName()", () => {
  // [path segment, label name]
  const cases: [string, string][] = [
    ["job", "job"],
    ["__name__", "__name__"],
    ["U__http_2e_method", "http.method"],
    ["U__a__b", "a_b"],
    ["U__caf_e9_", "café"],
    ["U___1f600_", "😀"],
    ["U__", ""],
    // Invalid escapes leave the name as it is, as model.UnescapeName does.
    ["U__a_", "U__a_"],
    ["U__a_zz_", "U__a_zz_"],
    ["U__a_10ffff_", "U__a_10ffff_"],
    ["U__a_d800_", "U__a_d800_"],
    ["U__a_2e", "U__a_2e"],
  ];
  for (const [segment, name] of cases) {
    test(`reads ${segment} as ${JSON.stringify(name)}`, () => {
      expect(unescapeLabelName(segment)).toBe(name);
    });
  }
});

describe("isValidLabelName()", () => {
  test("accepts any non-empty well-formed name, as Prometheus 3's UTF-8 names", () => {
    expect(isValidLabelName("http.method")).toBe(true);
    expect(isValidLabelName("")).toBe(false);
    expect(isValidLabelName("\ud800")).toBe(false);
  });
});

describe("parseMatchers()", () => {
  test("reads each selector into its matchers", () => {
    expect(parseMatchers(['up{job="node"}', '{__name__=~"a.*"}'])).toEqual([
      [
        { name: "job", type: "=", value: "node" },
        { name: "__name__", type: "=", value: "up" },
      ],
      [{ name: "__name__", type: "=~", value: "a.*" }],
    ]);
  });

  // [selector, error]: Prometheus 2.42's words, read off its /api/v1/series
  const refused: [string, string][] = [
    ['{job=~".*"}', "match[] must contain at least one non-empty matcher"],
    ['{job=""}', "match[] must contain at least one non-empty matcher"],
    ["sum(up)", '1:4: parse error: unexpected "("'],
    ["rate(up[5m])", '1:5: parse error: unexpected "("'],
    ["up[5m]", '1:3: parse error: unexpected "["'],
    ['up{job="a"}[5m]', '1:12: parse error: unexpected "["'],
    ["up offset 5m", "1:4: parse error: unexpected <offset>"],
    ["up + up", "1:4: parse error: unexpected <op:+>"],
    ["up +", "1:4: parse error: unexpected <op:+>"],
    ["-up", "1:1: parse error: unexpected <op:->"],
    ["(up)", '1:1: parse error: unexpected "("'],
    ["1", '1:1: parse error: unexpected number "1"'],
    ['"s"', '1:1: parse error: unexpected string "\\"s\\""'],
    ['{job="x"} or up', "1:11: parse error: unexpected <op:or>"],
    ["up}", "1:3: parse error: unexpected character: '}'"],
    ["up{", "1:4: parse error: unexpected end of input inside braces"],
    ["", "1:1: parse error: unexpected end of input"],
  ];
  for (const [selector, error] of refused) {
    test(`refuses ${selector}`, () => {
      expect(() => parseMatchers([selector])).toThrow(error);
    });
  }
});
