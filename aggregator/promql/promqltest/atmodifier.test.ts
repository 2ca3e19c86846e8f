import { describe, expect, test } from "bun:test";
import type { AtModifier, Expr, VectorSelector } from "../parser/ast.ts";
import { atModifierVariants, type QueryParser } from "./atmodifier.ts";

const span = { start: 0, end: 0 };

function sel(name: string, at: AtModifier | null = null): VectorSelector {
  return { type: "VectorSelector", name, matchers: [], offset: 0, at, span };
}

/** A stand-in printer: enough syntax to see where `@` went. */
function format(e: Expr): string {
  const at = (a: AtModifier | null) =>
    a === null ? "" : a.kind === "timestamp" ? ` @ ${a.ms}` : ` @ ${a.kind}()`;
  switch (e.type) {
    case "VectorSelector":
      return `${e.name}${at(e.at)}`;
    case "MatrixSelector":
      return `${e.vector.name}[${e.range}]${at(e.vector.at)}`;
    case "SubqueryExpr":
      return `(${format(e.expr)})[${e.range}:]${at(e.at)}`;
    case "Call":
      return `${e.func}(${e.args.map(format).join(", ")})`;
    case "BinaryExpr":
      return `${format(e.lhs)} ${e.op} ${format(e.rhs)}`;
    case "AggregateExpr":
      return `${e.op}(${e.param === null ? "" : `${format(e.param)}, `}${format(e.expr)})`;
    case "NumberLiteral":
      return String(e.value);
    default:
      return e.type;
  }
}

/** A parser double that hands back prepared trees by query text. */
function parserOf(trees: Record<string, Expr>): QueryParser {
  return { parseExpr: (text) => trees[text], formatExpr: format };
}

const TREES: Record<string, Expr> = {
  sum: {
    type: "AggregateExpr",
    op: "topk",
    param: { type: "NumberLiteral", value: 2, span },
    expr: {
      type: "BinaryExpr",
      op: "+",
      lhs: { type: "MatrixSelector", vector: sel("a"), range: 60_000, span },
      rhs: sel("b", { kind: "timestamp", ms: 5 }),
      matching: null,
      returnBool: false,
      span,
    },
    grouping: [],
    without: false,
    span,
  },
  subquery: {
    type: "Call",
    func: "max_over_time",
    args: [
      {
        type: "SubqueryExpr",
        expr: { type: "Call", func: "time", args: [], span },
        range: 600_000,
        step: 0,
        offset: 0,
        at: { kind: "start" },
        span,
      },
    ],
    span,
  },
  unsafe: { type: "Call", func: "timestamp", args: [sel("a")], span },
};

describe("atModifierVariants()", () => {
  test("pins every selector without a timestamp and runs it at five times", () => {
    const variants = atModifierVariants("sum", 100_000, parserOf(TREES));
    expect(variants).toEqual(
      [-1_000_000, 0, 20_000, 100_000, 1_000_000].map((timeMs) => ({
        query: "topk(2, a[60000] @ 100000 + b @ 5)",
        timeMs,
      })),
    );
  });

  test("pins a subquery as a whole and leaves its inside alone", () => {
    const variants = atModifierVariants("subquery", 0, parserOf(TREES));
    expect(variants.map((v) => [v.query, v.timeMs])).toEqual([
      ["max_over_time((time())[600000:] @ 0)", -1000],
      ["max_over_time((time())[600000:] @ 0)", 0],
      ["max_over_time((time())[600000:] @ 0)", 1000],
    ]);
  });

  test("gives no variants for a query calling a time-dependent function", () => {
    expect(atModifierVariants("unsafe", 60_000, parserOf(TREES))).toEqual([]);
  });
});
