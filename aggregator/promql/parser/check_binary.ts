/**
 * Type rules for binary operators (the BinaryExpr case of Prometheus's `checkAST`): `bool`
 * only on comparisons, scalar comparisons need it, set operators only between instant vectors
 * and always many-to-many, `on`/`group_left` labels, and the final vector matching.
 */

import { goQuote } from "../../../shared/model/go_string.ts";
import type { BinaryExpr, Expr, ValueType } from "./ast.ts";
import { checkExpr, rememberType } from "./check.ts";
import { isSpace } from "./runes.ts";
import type { ParserState } from "./state.ts";

/** Binary expressions get their final matching here; the AST is otherwise read-only. */
type MutableBinary = { -readonly [K in keyof BinaryExpr]: BinaryExpr[K] };

/**
 * Checks a binary expression and the binary expressions down its left side, deepest first,
 * which is the order in which Prometheus's recursive checker reports their problems.
 */
export function checkBinaryChain(p: ParserState, top: BinaryExpr): ValueType {
  const spine: BinaryExpr[] = [];
  let node: Expr = top;
  while (node.type === "BinaryExpr") {
    spine.push(node);
    node = node.lhs;
  }
  let lt = checkExpr(p, node);
  for (let i = spine.length - 1; i >= 0; i--) {
    const e = spine[i];
    const rt = checkExpr(p, e.rhs);
    checkBinary(p, e, lt, rt);
    lt = lt === "scalar" && rt === "scalar" ? "scalar" : "vector";
    rememberType(e, lt);
  }
  return lt;
}

const COMPARISONS = new Set(["==", "!=", ">", "<", ">=", "<="]);
const SET_OPS = new Set(["and", "or", "unless"]);

function checkBinary(p: ParserState, e: BinaryExpr, lt: ValueType, rt: ValueType): void {
  const comparison = COMPARISONS.has(e.op);
  const setOp = SET_OPS.has(e.op);
  let m = e.matching!;
  if (e.returnBool && !comparison) {
    p.report(operatorSpan(p, e), "bool modifier can only be used on comparison operators");
  }
  if (comparison && !e.returnBool && lt === "scalar" && rt === "scalar") {
    p.report(operatorSpan(p, e), "comparisons between scalars must use BOOL modifier");
  }
  if (setOp && m.card === "one-to-one") m = { ...m, card: "many-to-many" };
  for (const label of m.labels) {
    if (m.on && m.include.includes(label)) {
      p.report(
        operatorSpan(p, e),
        `label ${goQuote(label)} must not occur in ON and GROUP clause at once`,
      );
    }
  }
  for (const [side, type] of [[e.lhs, lt] as const, [e.rhs, rt] as const]) {
    if (type !== "scalar" && type !== "vector") {
      p.report(side.span, "binary expression must contain only scalar and instant vector types");
    }
  }
  const bothVectors = lt === "vector" && rt === "vector";
  if (!bothVectors && m.labels.length > 0) {
    p.report(e.span, "vector matching only allowed between instant vectors");
  } else if (bothVectors && setOp) {
    if (m.card === "one-to-many" || m.card === "many-to-one") {
      p.report(e.span, `no grouping allowed for ${goQuote(e.op)} operation`);
    }
    if (m.card !== "many-to-many") p.report(e.span, "set operations must always be many-to-many");
  }
  if ((lt === "scalar" || rt === "scalar") && setOp) {
    p.report(e.span, `set operator ${goQuote(e.op)} not allowed in binary scalar expression`);
  }
  (e as MutableBinary).matching = bothVectors ? m : null;
}

/** The operator and its modifiers: from after the left operand to before the right one. */
function operatorSpan(p: ParserState, e: BinaryExpr): { start: number; end: number } {
  const q = p.query;
  let start = e.lhs.span.end;
  while (isSpace(q.charCodeAt(start))) start++;
  let end = e.rhs.span.start - 1;
  while (isSpace(q.charCodeAt(end))) end--;
  return { start, end };
}
