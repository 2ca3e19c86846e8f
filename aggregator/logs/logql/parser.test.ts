import { describe, expect, test } from "bun:test";
import { LogQLError } from "../result.ts";
import { parseLogQL } from "./parser.ts";
import { EMPTY_MATCHERS_ERROR } from "./validate.ts";

const eq = (name: string, value: string) => ({ name, type: "=", value });
const str = (name: string, type: string, value: string) => ({
  type: "string",
  matcher: { name, type, value },
});
const num = (name: string, op: string, value: number) => ({ type: "number", name, op, value });

describe("parseLogQL() accepts Loki's syntax", () => {
  const cases: [string, string, unknown][] = [
    [
      "line filters chain in order",
      `{foo="bar"} |= "baz" |~ "blip" != "flip" !~ "flap"`,
      {
        kind: "log",
        matchers: [eq("foo", "bar")],
        stages: [
          { kind: "line_filter", op: "|=", values: ["baz"] },
          { kind: "line_filter", op: "|~", values: ["blip"] },
          { kind: "line_filter", op: "!=", values: ["flip"] },
          { kind: "line_filter", op: "!~", values: ["flap"] },
        ],
      },
    ],
    [
      "raw strings keep backslashes",
      "count_over_time({foo=~`bar\\w+`}[12h] |~ `error\\`)",
      {
        kind: "range",
        op: "count_over_time",
        log: {
          kind: "log",
          matchers: [{ name: "foo", type: "=~", value: "bar\\w+" }],
          stages: [{ kind: "line_filter", op: "|~", values: ["error\\"] }],
        },
        rangeMs: 12 * 3600_000,
        offsetNs: 0,
      },
    ],
    [
      "a parenthesised log range with an offset",
      `count_over_time(({foo="bar"} |= "x" or "y")[5m] offset 1h)`,
      {
        kind: "range",
        op: "count_over_time",
        log: {
          kind: "log",
          matchers: [eq("foo", "bar")],
          stages: [{ kind: "line_filter", op: "|=", values: ["x", "y"] }],
        },
        rangeMs: 300_000,
        offsetNs: 3600e9,
      },
    ],
    [
      "comma and juxtaposition shift past or, as in yacc",
      `{app="foo"} | foo="bar" buzz!="blip", blop=~"boop" or fuzz==5`,
      {
        kind: "log",
        matchers: [eq("app", "foo")],
        stages: [
          {
            kind: "label_filter",
            filter: {
              type: "and",
              left: str("foo", "=", "bar"),
              right: {
                type: "and",
                left: str("buzz", "!=", "blip"),
                right: { type: "or", left: str("blop", "=~", "boop"), right: num("fuzz", "==", 5) },
              },
            },
          },
        ],
      },
    ],
    [
      "and binds tighter than or",
      `{app="foo"} | a > 1 or b < -2 and c = 3`,
      {
        kind: "log",
        matchers: [eq("app", "foo")],
        stages: [
          {
            kind: "label_filter",
            filter: {
              type: "or",
              left: num("a", ">", 1),
              right: { type: "and", left: num("b", "<", -2), right: num("c", "==", 3) },
            },
          },
        ],
      },
    ],
    [
      "duration and bytes literals in label filters",
      `{app="foo"} | latency >= 250ms, size < 2.5KiB`,
      {
        kind: "log",
        matchers: [eq("app", "foo")],
        stages: [
          {
            kind: "label_filter",
            filter: {
              type: "and",
              left: { type: "duration", name: "latency", op: ">=", value: 250e6 },
              right: { type: "bytes", name: "size", op: "<", value: 2560 },
            },
          },
        ],
      },
    ],
    [
      "parser flags and extractions",
      `{app="foo"} | logfmt --strict --keep-empty a, b="c" | json d="e.f[0]"`,
      {
        kind: "log",
        matchers: [eq("app", "foo")],
        stages: [
          {
            kind: "logfmt",
            strict: true,
            keepEmpty: true,
            extractions: [
              { name: "a", expr: "a" },
              { name: "b", expr: "c" },
            ],
          },
          { kind: "json", extractions: [{ name: "d", expr: "e.f[0]" }] },
        ],
      },
    ],
    [
      "a comment ends the query at the end of the line",
      `{app="foo"} # |= "bar" | json`,
      { kind: "log", matchers: [eq("app", "foo")], stages: [] },
    ],
    ["literal arithmetic folds", `1 + -2 / 1`, { kind: "literal", value: -1 }],
    ["literal comparisons fold to 1 or 0", `1 >= 1 > 1`, { kind: "literal", value: 0 }],
  ];
  test.each(cases)("%s", (_, query, want) => {
    expect(parseLogQL(query)).toMatchObject(want as object);
  });

  test("aggregations take their grouping before or after the parentheses", () => {
    const before = parseLogQL(`sum by (a) (rate({foo="bar"}[5m]))`);
    const after = parseLogQL(`sum(rate({foo="bar"}[5m])) by (a)`);
    expect(before).toEqual(after);
    expect(before).toMatchObject({
      kind: "vector_agg",
      op: "sum",
      grouping: { without: false, labels: ["a"] },
    });
  });

  test("unwrap takes a conversion and post filters", () => {
    const e = parseLogQL(`sum_over_time({a="b"} | json | unwrap bytes(size) | __error__="" [5m])`);
    expect(e).toMatchObject({
      kind: "range",
      unwrap: { label: "size", conversion: "bytes", postFilters: [str("__error__", "=", "")] },
    });
  });
});

describe("parseLogQL() fails with Loki's messages", () => {
  const cases: [string, string][] = [
    [
      `unk({ foo = "bar" }[5m])`,
      "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER",
    ],
    [`rate({ foo = "bar" }[5)`, "parse error at line 0, col 21: missing closing ']' in duration"],
    [`min({ foo = "bar" }[5m])`, "parse error at line 0, col 20: syntax error: unexpected RANGE"],
    [
      `sum(3 ,count_over_time({ foo = "bar" }[5h]))`,
      "parse error : unsupported parameter for operation sum(3,",
    ],
    [
      `topk(count_over_time({ foo = "bar" }[5h]))`,
      "parse error : parameter required for operation topk",
    ],
    [
      `bottomk(he,count_over_time({ foo = "bar" }[5h]))`,
      "parse error at line 1, col 9: syntax error: unexpected IDENTIFIER",
    ],
    [
      `bottomk(1.2,count_over_time({ foo = "bar" }[5h]))`,
      "parse error : invalid parameter bottomk(1.2,",
    ],
    [`stddev({ foo = "bar" })`, "parse error at line 1, col 23: syntax error: unexpected )"],
    [`{foo="bar}`, "parse error at line 1, col 6: literal not terminated"],
    [
      `{foo="bar"`,
      "parse error at line 1, col 11: syntax error: unexpected $end, expecting } or ,",
    ],
    [
      `{foo="bar"} |~`,
      "parse error at line 1, col 15: syntax error: unexpected $end, expecting STRING or ip",
    ],
    [`{foo="bar"} "foo"`, "parse error at line 1, col 13: syntax error: unexpected STRING"],
    [`{foo="bar"} foo`, "parse error at line 1, col 13: syntax error: unexpected IDENTIFIER"],
    [
      `{ foo = "bar" }|logfmt|addr>=ip("1.2.3.4")`,
      "parse error at line 1, col 30: syntax error: unexpected ip, expecting BYTES or NUMBER or DURATION",
    ],
    [
      `quantile_over_time(foo,{namespace="tns"} | unwrap latency [5m])`,
      "parse error at line 1, col 20: syntax error: unexpected IDENTIFIER, expecting NUMBER or { or (",
    ],
    [`#{app="foo"} | json`, "parse error at line 1, col 20: syntax error: unexpected $end"],
    [`bool 1 > 1 > bool 1`, "parse error at line 1, col 1: syntax error: unexpected bool"],
    [
      `{foo="bar"} + {foo="bar"}`,
      "parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr",
    ],
    [
      `sum(count_over_time({foo="bar"}[5m])) by (foo) - {foo="bar"} |= "x"`,
      "parse error : unexpected type for right leg of binary operation (-): *syntax.PipelineExpr",
    ],
    [
      `sum(count_over_time({foo="bar"}[5m])) by (foo) or 1`,
      "parse error : unexpected literal for right leg of logical/set binary operation (or): 1.000000",
    ],
    [`count_over_time({foo!="bar"}[5m])`, `parse error : ${EMPTY_MATCHERS_ERROR}`],
    [`{app=~".*"}`, `parse error : ${EMPTY_MATCHERS_ERROR}`],
    [`{}`, `parse error : ${EMPTY_MATCHERS_ERROR}`],
    [
      `absent_over_time({ foo = "bar" }[5h]) by (foo)`,
      "parse error : grouping not allowed for absent_over_time aggregation",
    ],
    [
      `sum_over_time(50,{a="b"} | unwrap latency [5m])`,
      "parse error : parameter 50 not supported for operation sum_over_time",
    ],
    [
      `sum_over_time({a="b"} [5m])`,
      "parse error : invalid aggregation sum_over_time without unwrap",
    ],
    [
      `count_over_time({a="b"} | json | unwrap foo [5m])`,
      "parse error : invalid aggregation count_over_time with unwrap",
    ],
    [`{app="foo"} | unwrap x`, "parse error at line 1, col 15: syntax error: unexpected unwrap"],
    [`count_over_time({a="b"})`, "parse error at line 1, col 24: syntax error: unexpected )"],
    [
      `{a="b"} | json | status >= "x"`,
      "parse error at line 1, col 28: syntax error: unexpected STRING, expecting BYTES or NUMBER or DURATION",
    ],
    [`{a=~"(foo"}`, "parse error : error parsing regexp: missing closing ): `(foo`"],
  ];
  test.each(cases)("%s", (query, message) => {
    let error: unknown;
    try {
      parseLogQL(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogQLError);
    expect(error).toMatchObject({ type: "bad_data", message });
  });
});
