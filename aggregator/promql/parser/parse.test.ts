import { describe, expect, test } from "bun:test";
import type { Expr } from "./ast.ts";
import { exprToString, exprType, parseExpr, parseMetricSelector } from "./parse.ts";

/** The tree with every node parenthesised, to show precedence and grouping. */
function tree(e: Expr): string {
  switch (e.type) {
    case "BinaryExpr":
      return `(${tree(e.lhs)} ${e.op}${e.returnBool ? " bool" : ""} ${tree(e.rhs)})`;
    case "UnaryExpr":
      return `(${e.op}${tree(e.expr)})`;
    case "ParenExpr":
      return `[${tree(e.expr)}]`;
    case "Call":
      return `${e.func}(${e.args.map(tree).join(", ")})`;
    case "AggregateExpr":
      return `${e.op}(${e.param === null ? "" : `${tree(e.param)}, `}${tree(e.expr)})`;
    case "SubqueryExpr":
      return `sq(${tree(e.expr)})`;
    default:
      return exprToString(e);
  }
}

describe("parseExpr() precedence", () => {
  const cases: [string, string][] = [
    ["1 + 2 * 3", "(1 + (2 * 3))"],
    ["1 * 2 + 3", "((1 * 2) + 3)"],
    ["1 - 2 - 3", "((1 - 2) - 3)"],
    ["2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"],
    ["-1 ^ 2", "(-(1 ^ 2))"],
    ["-1 * 2", "(-1 * 2)"],
    ["-1^-2", "(-(1 ^ -2))"],
    ["+1 + -2 * 1", "(1 + (-2 * 1))"],
    ["-a ^ b", "(-(a ^ b))"],
    ["-a * b", "((-a) * b)"],
    ["2 ^ -x * 3", "((2 ^ (-x)) * 3)"],
    ["1 < bool 2 - 1 * 2", "(1 < bool (2 - (1 * 2)))"],
    ["a atan2 b * c", "((a atan2 b) * c)"],
    ["a + b atan2 c", "(a + (b atan2 c))"],
    ["a % b / c", "((a % b) / c)"],
    ["a == b + c", "(a == (b + c))"],
    ["a > b == c", "((a > b) == c)"],
    ["foo + bar or bla and blub", "((foo + bar) or (bla and blub))"],
    ["foo and bar unless baz or qux", "(((foo and bar) unless baz) or qux)"],
    ["a or b and c", "(a or (b and c))"],
    ["a unless b == c", "(a unless (b == c))"],
    ["bar + on(foo) bla / on(baz, buz) group_right(test) blub", "(bar + (bla / blub))"],
    ["a + b offset 5m", "(a + b offset 5m)"],
    ["-a offset 5m", "(-a offset 5m)"],
    ["-a @ 5", "(-a @ 5.000)"],
    ["a + b @ 5", "(a + b @ 5.000)"],
    ["a + max_over_time(rate(b[5m])[1h:])", "(a + max_over_time(sq(rate(b[5m]))))"],
    ["foo offset 5s - 8", "(foo offset 5s - 8)"],
    ["foo offset -1^1", "(foo offset -1s ^ 1)"],
    ["- - 1", "1"],
    ["-(1)", "(-[1])"],
    ["1 + 2/(3*1)", "(1 + (2 / [(3 * 1)]))"],
    ["sum(a) + sum(b) * 2", "(sum(a) + (sum(b) * 2))"],
    ["sum + 1", "(sum + 1)"],
    ["and and and", "(and and and)"],
    ["a # comment\n + b", "(a + b)"],
  ];
  for (const [query, expected] of cases) {
    test(`parseExpr() groups ${query} as ${expected}`, () => {
      expect(tree(parseExpr(query))).toBe(expected);
    });
  }
});

describe("parseExpr() syntax tree", () => {
  test("parseExpr() puts the metric name matcher last, as Prometheus does", () => {
    const e = parseExpr('foo{a="b", c=~"d"}');
    expect(e).toEqual({
      type: "VectorSelector",
      name: "foo",
      matchers: [
        { name: "a", type: "=", value: "b" },
        { name: "c", type: "=~", value: "d" },
        { name: "__name__", type: "=", value: "foo" },
      ],
      offset: 0,
      at: null,
      span: { start: 0, end: 18 },
    });
  });

  test("parseExpr() keeps offset and @ on the selector inside a range selector", () => {
    const e = parseExpr("foo[5m] offset -1h @ end()");
    expect(e.type).toBe("MatrixSelector");
    if (e.type !== "MatrixSelector") return;
    expect(e.range).toBe(300_000);
    expect(e.vector.offset).toBe(-3_600_000);
    expect(e.vector.at).toEqual({ kind: "end" });
    expect(e.vector.span).toEqual({ start: 0, end: 3 });
    expect(e.span).toEqual({ start: 0, end: 26 });
  });

  test("parseExpr() reads subquery range, step, offset and @ in milliseconds", () => {
    const e = parseExpr("rate(x[1m])[1h:30s] offset 5m @ 100.5");
    expect(e).toMatchObject({
      type: "SubqueryExpr",
      range: 3_600_000,
      step: 30_000,
      offset: 300_000,
      at: { kind: "timestamp", ms: 100_500 },
      span: { start: 0, end: 37 },
    });
  });

  test("parseExpr() folds a sign into a number literal and keeps its position", () => {
    expect(parseExpr(" -5")).toEqual({
      type: "NumberLiteral",
      value: -5,
      span: { start: 1, end: 3 },
    });
  });

  test("parseExpr() gives vector matching only between two instant vectors", () => {
    const vv = parseExpr("a * on(x) group_left(y) b");
    const set = parseExpr("a and b");
    const sv = parseExpr("1 + b");
    if (vv.type !== "BinaryExpr" || set.type !== "BinaryExpr" || sv.type !== "BinaryExpr") {
      throw new Error("expected binary expressions");
    }
    expect(vv.matching).toEqual({ card: "many-to-one", labels: ["x"], on: true, include: ["y"] });
    expect(set.matching).toEqual({ card: "many-to-many", labels: [], on: false, include: [] });
    expect(sv.matching).toBeNull();
  });

  test("parseExpr() reads an aggregation's parameter and grouping", () => {
    expect(parseExpr("topk by (job) (3, x)")).toMatchObject({
      type: "AggregateExpr",
      op: "topk",
      param: { type: "NumberLiteral", value: 3 },
      grouping: ["job"],
      without: false,
    });
    expect(parseExpr("SUM(x) WITHOUT (a)")).toMatchObject({
      op: "sum",
      without: true,
      grouping: ["a"],
    });
  });

  test("parseExpr() decodes bytes that are not UTF-8 into escaped code units", () => {
    const e = parseExpr('"a\\xc5z"');
    expect(e.type === "StringLiteral" && e.value).toBe("a\udcc5z");
    expect(exprToString(e)).toBe('"a\\xc5z"');
  });

  test("parseExpr() folds constant duration arithmetic when asked to", () => {
    const options = { durationExpressions: true };
    expect(exprToString(parseExpr("foo[26m+4m]", options))).toBe("foo[30m]");
    expect(exprToString(parseExpr("foo[2m*(10+5)]", options))).toBe("foo[30m]");
    expect(exprToString(parseExpr("foo[1h30m % 1h]", options))).toBe("foo[30m]");
    expect(exprToString(parseExpr("foo offset (100 + 2)", options))).toBe("foo offset 1m42s");
    expect(exprToString(parseExpr("foo offset -(2 ^ 2) ^ 2", options))).toBe("foo offset -4s ^ 2");
    expect(exprToString(parseExpr("foo[29s+1s:20*500ms]", options))).toBe("foo[30s:10s]");
  });
});

describe("exprType()", () => {
  const cases: [string, string][] = [
    ["1", "scalar"],
    ['"a"', "string"],
    ["foo", "vector"],
    ["foo[5m]", "matrix"],
    ["foo[5m:]", "matrix"],
    ["1 + 1", "scalar"],
    ["1 + foo", "vector"],
    ["scalar(foo)", "scalar"],
    ["rate(foo[5m])", "vector"],
    ["-(1)", "scalar"],
    ["sum(foo)", "vector"],
  ];
  for (const [query, type] of cases) {
    test(`exprType() of ${query} is ${type}`, () => {
      expect(exprType(parseExpr(query))).toBe(type as ReturnType<typeof exprType>);
    });
  }
});

describe("parseMetricSelector()", () => {
  test("parseMetricSelector() returns a selector's matchers, the name last", () => {
    expect(parseMetricSelector('up{job="api"}')).toEqual([
      { name: "job", type: "=", value: "api" },
      { name: "__name__", type: "=", value: "up" },
    ]);
    expect(parseMetricSelector('{"a.b"=~"x"}')).toEqual([{ name: "a.b", type: "=~", value: "x" }]);
  });

  test("parseMetricSelector() accepts an empty selector and leaves the decision to the caller", () => {
    expect(parseMetricSelector("{}")).toEqual([]);
  });

  test("parseMetricSelector() rejects anything but a selector as Prometheus does", () => {
    expect(() => parseMetricSelector("up + 1")).toThrow("1:4: parse error: unexpected <op:+>");
    expect(() => parseMetricSelector("rate(up[5m])")).toThrow('1:5: parse error: unexpected "("');
    expect(() => parseMetricSelector('up{a=~"("}')).toThrow(
      "1:4: parse error: error parsing regexp",
    );
  });
});
