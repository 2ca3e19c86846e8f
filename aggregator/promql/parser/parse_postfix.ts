/**
 * What may follow any expression and binds tighter than every operator: `[range]` (range
 * selector), `[range:step]` (subquery), `offset d` and `@ t`. Prometheus parses them after any
 * expression and then reports where they do not apply, with the messages below.
 */
import type { AtModifier, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from "./ast.ts";
import { formatGoFixed, goRound } from "./go_format.ts";
import { parseOffsetDuration, parseRangeDuration } from "./parse_duration.ts";
import { literalSeconds } from "./parse_expr.ts";
import type { ParserState } from "./state.ts";

/** Applies every `[…]`, `offset`, `@`, `anchored` and `smoothed` that follows `expr`. */
export function parsePostfix(p: ParserState, expr: Expr): Expr {
  for (;;) {
    const t = p.peek();
    if (t.kind === "LEFT_BRACKET") expr = parseBrackets(p, expr);
    else if (t.kind === "OFFSET") expr = parseOffset(p, expr);
    else if (t.kind === "AT") expr = parseAt(p, expr);
    else if (t.kind === "ANCHORED" || t.kind === "SMOOTHED") {
      p.next();
      p.report(expr.span, `${t.text.toLowerCase()} modifier is experimental and not enabled`);
    } else return expr;
  }
}

const SECOND_MS = 1000;

function parseBrackets(p: ParserState, expr: Expr): Expr {
  const open = p.next();
  const range = p.within("subquery or range selector", "number, duration, step(), or range()", () =>
    parseRangeDuration(p),
  );
  if (p.at("RIGHT_BRACKET")) {
    const close = p.next();
    return matrixSelector(p, expr, range, { start: open.start, end: close.end });
  }
  if (!p.at("COLON")) p.unexpected("subquery or range", '":" or "]"');
  p.next();
  let step = 0;
  if (!p.at("RIGHT_BRACKET")) {
    step = p.within("subquery selector", 'number, duration, step(), range(), or "]"', () =>
      parseRangeDuration(p),
    );
    if (!p.at("RIGHT_BRACKET")) p.unexpected("subquery selector", '"]"');
  }
  const end = p.next().end;
  const span = { start: expr.span.start, end };
  return { type: "SubqueryExpr", expr, range, step, offset: 0, at: null, span };
}

function matrixSelector(
  p: ParserState,
  expr: Expr,
  range: number,
  brackets: { start: number; end: number },
): MatrixSelector {
  if (expr.type !== "VectorSelector")
    p.report(brackets, "ranges only allowed for vector selectors");
  else if (expr.offset !== 0) p.report(brackets, "no offset modifiers allowed before range");
  else if (expr.at !== null) p.report(brackets, "no @ modifiers allowed before range");
  // After the report above `vector` may be another expression; parsing then fails anyway.
  const vector = expr as VectorSelector;
  return {
    type: "MatrixSelector",
    vector,
    range,
    span: { start: expr.span.start, end: brackets.end },
  };
}

/** What a modifier may follow, or null after reporting that it may not follow `expr`. */
type Modifiable = VectorSelector | MatrixSelector | SubqueryExpr;

function modifiable(p: ParserState, expr: Expr, modifier: string): Modifiable | null {
  if (expr.type === "MatrixSelector" && expr.vector.type !== "VectorSelector") {
    p.report(expr.span, "ranges only allowed for vector selectors");
    return null;
  }
  if (
    expr.type === "VectorSelector" ||
    expr.type === "MatrixSelector" ||
    expr.type === "SubqueryExpr"
  ) {
    return expr;
  }
  p.report(
    expr.span,
    `${modifier} must be preceded by an instant vector selector or range vector selector or a subquery`,
  );
  return null;
}

function parseOffset(p: ParserState, expr: Expr): Expr {
  p.next();
  const offset = p.within("offset", "number, duration, step(), or range()", () =>
    parseOffsetDuration(p),
  );
  const target = modifiable(p, expr, "offset modifier");
  if (target === null) return expr;
  const current = target.type === "MatrixSelector" ? target.vector.offset : target.offset;
  if (current !== 0) p.report(expr.span, "offset may not be set multiple times");
  const span = { start: expr.span.start, end: offset.end };
  if (target.type === "MatrixSelector") {
    return { ...target, vector: { ...target.vector, offset: offset.ms }, span };
  }
  return { ...target, offset: offset.ms, span };
}

function parseAt(p: ParserState, expr: Expr): Expr {
  p.next();
  return p.within("@", "timestamp", () => {
    const t = p.peek();
    if (t.kind === "START" || t.kind === "END") {
      p.next();
      if (!p.at("LEFT_PAREN")) p.unexpected();
      p.next();
      if (!p.at("RIGHT_PAREN")) p.unexpected();
      const end = p.next().end;
      return setAt(p, expr, { kind: t.kind === "START" ? "start" : "end" }, end);
    }
    const sign = t.kind === "SUB" ? -1 : 1;
    if (t.kind === "ADD" || t.kind === "SUB") p.next();
    const number = p.peek();
    if (number.kind !== "NUMBER" && number.kind !== "DURATION") p.unexpected();
    p.next();
    const seconds = sign * literalSeconds(p, number);
    if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63) {
      p.report(expr.span, `timestamp out of bounds for @ modifier: ${formatGoFixed(seconds)}`);
    }
    return setAt(p, expr, { kind: "timestamp", ms: goRound(seconds * SECOND_MS) }, number.end);
  });
}

function setAt(p: ParserState, expr: Expr, at: AtModifier, end: number): Expr {
  const target = modifiable(p, expr, "@ modifier");
  if (target === null) return expr;
  const current = target.type === "MatrixSelector" ? target.vector.at : target.at;
  if (current !== null) {
    p.report(expr.span, "@ <timestamp> may not be set multiple times");
    return expr;
  }
  const span = { start: expr.span.start, end };
  if (target.type === "MatrixSelector")
    return { ...target, vector: { ...target.vector, at }, span };
  return { ...target, at, span };
}
