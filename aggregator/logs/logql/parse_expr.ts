/**
 * Expressions: operands (log queries, literals, aggregations) joined by binary operators with
 * yacc's precedence (`or` < `and`/`unless` < comparisons < `+ -` < `* / %` < `^`, the last
 * right-associative) and Loki's modifiers (`bool`, `on`/`ignoring`, `group_left/right`).
 */
import type { BinaryOp, Expr, MetricExpr, VectorMatching } from "./ast.ts";
import { makeBinary } from "./binary_parse.ts";
import { parseLabelReplace, parseRangeAggregation, parseVectorAggregation } from "./parse_agg.ts";
import { numberOf } from "./parse_filter.ts";
import { parseLogExpr } from "./parse_log.ts";
import type { TokenStream } from "./token_stream.ts";
import { BINARY_PRECEDENCE, RANGE_OPS, VECTOR_OPS } from "./tokens.ts";

/** An expression whose binary operators bind at least as tight as `minPrecedence`. */
export function parseExpr(ts: TokenStream, minPrecedence = 1): Expr {
  let lhs = parseOperand(ts);
  for (;;) {
    const op = ts.kind;
    const precedence = BINARY_PRECEDENCE.get(op);
    if (precedence === undefined || precedence < minPrecedence) return lhs;
    ts.next();
    const returnBool = ts.accept("bool");
    const matching = parseMatching(ts, op);
    const rhs = parseExpr(ts, op === "^" ? precedence : precedence + 1);
    lhs = makeBinary(op as BinaryOp, returnBool, matching, lhs, rhs);
  }
}

/** An expression that must be a metric query; a log query fails at the token after it. */
export function parseMetricExpr(ts: TokenStream): MetricExpr {
  const e = parseExpr(ts);
  if (e.kind === "log") ts.unexpected();
  return e;
}

function parseOperand(ts: TokenStream): Expr {
  const kind = ts.kind;
  if (kind === "(") {
    ts.next();
    const inner = parseExpr(ts);
    ts.expect(")");
    return inner;
  }
  if (kind === "{") return parseLogExpr(ts, false);
  if (kind === "NUMBER" || kind === "+" || kind === "-") {
    const sign = kind === "-" ? -1 : 1;
    if (kind !== "NUMBER") ts.next();
    return { kind: "literal", value: sign * numberOf(ts.expect("NUMBER").text) };
  }
  if (RANGE_OPS.has(kind)) return parseRangeAggregation(ts);
  if (VECTOR_OPS.has(kind)) return parseVectorAggregation(ts);
  if (kind === "VECTOR") {
    ts.next();
    ts.expect("(");
    const value = numberOf(ts.expect("NUMBER").text);
    ts.expect(")");
    return { kind: "vector", value };
  }
  if (kind === "label_replace") return parseLabelReplace(ts);
  return ts.unexpected();
}

/** `on(…)`/`ignoring(…)` and `group_left(…)`/`group_right(…)` after an operator. */
function parseMatching(ts: TokenStream, op: string): VectorMatching {
  const setOp = op === "and" || op === "or" || op === "unless";
  let on = false;
  let labels: string[] = [];
  let card: VectorMatching["card"] = setOp ? "many-to-many" : "one-to-one";
  let include: string[] = [];
  if (ts.kind !== "on" && ts.kind !== "ignoring") return { card, on, labels, include };
  on = ts.next().kind === "on";
  labels = parseLabelList(ts);
  const group = ts.peek().kind;
  if (group === "group_left" || group === "group_right") {
    card = ts.next().kind === "group_left" ? "many-to-one" : "one-to-many";
    const next = ts.peek(1).kind;
    if (ts.peek().kind === "(" && (next === "IDENTIFIER" || next === ")")) {
      include = parseLabelList(ts);
    }
  }
  return { card, on, labels, include };
}

/** `( a, b )`, possibly empty. */
export function parseLabelList(ts: TokenStream): string[] {
  ts.expect("(");
  const labels: string[] = [];
  if (ts.accept(")")) return labels;
  for (;;) {
    labels.push(ts.expect("IDENTIFIER").text);
    if (ts.accept(")")) return labels;
    ts.expect(",", [",", ")"]);
  }
}
