/**
 * Building a binary operation while parsing, as Loki's `mustNewBinOpExpr` does: both legs
 * must be metric queries, set operators refuse literals, and an operation between two
 * literals is folded into one (comparisons give 1 or 0).
 */
import { formatGoFixed } from "../../promql/parser/go_format.ts";
import type { BinaryOp, Expr, MetricExpr, VectorMatching } from "./ast.ts";
import { failParse } from "./token_stream.ts";

/** Go's type name of a log query leg, as Loki prints it. */
function goTypeName(e: Expr): string {
  return e.kind === "log" && e.stages.length > 0 ? "*syntax.PipelineExpr" : "*syntax.MatchersExpr";
}

/** Go's `math.Pow`: 1 for a base of 1, and for -1 to an infinite power. */
function goPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) return 1;
  return x ** y;
}

/** Applies an arithmetic or comparison operator to two numbers (comparisons give 1 or 0). */
export function applyScalar(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    case "^":
      return goPow(a, b);
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    default:
      return Number.NaN;
  }
}

/** The binary expression `lhs op rhs`, checked and folded. */
export function makeBinary(
  op: BinaryOp,
  returnBool: boolean,
  matching: VectorMatching,
  lhs: Expr,
  rhs: Expr,
): MetricExpr {
  if (lhs.kind === "log") {
    failParse(`unexpected type for left leg of binary operation (${op}): ${goTypeName(lhs)}`);
  }
  if (rhs.kind === "log") {
    failParse(`unexpected type for right leg of binary operation (${op}): ${goTypeName(rhs)}`);
  }
  if (op === "and" || op === "or" || op === "unless") {
    for (const [leg, e] of [
      ["left", lhs],
      ["right", rhs],
    ] as const) {
      if (e.kind === "literal") {
        const value = formatGoFixed(e.value);
        failParse(
          `unexpected literal for ${leg} leg of logical/set binary operation (${op}): ${value}`,
        );
      }
    }
  }
  if (lhs.kind === "literal" && rhs.kind === "literal") {
    return { kind: "literal", value: applyScalar(op, lhs.value, rhs.value) };
  }
  return { kind: "binary", op, returnBool, matching, lhs, rhs };
}
