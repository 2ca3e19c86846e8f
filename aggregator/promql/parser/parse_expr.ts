/**
 * Expressions: binary operators by precedence climbing, unary signs, literals and the primary
 * forms (selectors, calls, aggregations, parentheses). Precedence and associativity follow
 * Prometheus's grammar: `or` < `and`/`unless` < comparisons < `+ -` < `* / % atan2` < `^`
 * (right-associative); a unary sign binds like `*`, so `-a^b` is `-(a^b)`; `[…]`, `offset` and
 * `@` bind tightest of all.
 */

import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { parseDuration } from "../../../shared/time/duration.ts";
import type { BinaryExpr, BinaryOp, Expr, NumberLiteral, VectorMatching } from "./ast.ts";
import { parseNumber } from "./number.ts";
import { parseAggregation, parseCall, parseGroupingLabels } from "./parse_call.ts";
import { parsePostfix } from "./parse_postfix.ts";
import { parseVectorSelector } from "./parse_selector.ts";
import type { ParserState } from "./state.ts";
import { isAggregator, isMetricWord, type Token, type TokenKind } from "./tokens.ts";

/** Binding strength of each binary operator token (higher binds tighter). */
const PRECEDENCE: Partial<Record<TokenKind, number>> = {
  LOR: 1,
  LAND: 2,
  LUNLESS: 2,
  EQLC: 3,
  NEQ: 3,
  GTR: 3,
  LSS: 3,
  GTE: 3,
  LTE: 3,
  ADD: 4,
  SUB: 4,
  MUL: 5,
  DIV: 5,
  MOD: 5,
  ATAN2: 5,
  POW: 6,
};
const POW_PRECEDENCE = 6;

/** Tokens that can begin an expression. */
export function startsExpression(kind: TokenKind): boolean {
  return (
    isMetricWord(kind) ||
    kind === "NUMBER" ||
    kind === "DURATION" ||
    kind === "STRING" ||
    kind === "LEFT_PAREN" ||
    kind === "LEFT_BRACE" ||
    kind === "ADD" ||
    kind === "SUB"
  );
}

/** Parses an expression whose binary operators bind at least as tightly as `minPrecedence`. */
export function parseExpression(p: ParserState, minPrecedence: number): Expr {
  p.enter();
  // A run of operators of one precedence loops here: `a + b + … + z` nests no deeper.
  let lhs = parseUnary(p);
  for (;;) {
    const op = p.peek();
    const precedence = PRECEDENCE[op.kind];
    if (precedence === undefined || precedence < minPrecedence) break;
    p.next();
    const modifiers = parseBinaryModifiers(p);
    const rhs = parseExpression(p, op.kind === "POW" ? precedence : precedence + 1);
    lhs = binary(p, lhs, op, modifiers, rhs);
  }
  p.leave();
  return lhs;
}

/** `bool`, `on`/`ignoring (…)` and `group_left`/`group_right (…)` after an operator. */
interface BinaryModifiers {
  readonly returnBool: boolean;
  readonly matching: VectorMatching;
  readonly fill: boolean;
}

function parseBinaryModifiers(p: ParserState): BinaryModifiers {
  const returnBool = p.at("BOOL");
  if (returnBool) p.next();
  let matching: VectorMatching = { card: "one-to-one", labels: [], on: false, include: [] };
  const t = p.peek();
  if (t.kind === "ON" || t.kind === "IGNORING") {
    p.next();
    matching = { ...matching, labels: parseGroupingLabels(p).labels, on: t.kind === "ON" };
    const group = p.peek();
    if (group.kind === "GROUP_LEFT" || group.kind === "GROUP_RIGHT") {
      p.next();
      const card = group.kind === "GROUP_LEFT" ? "many-to-one" : "one-to-many";
      const include = p.at("LEFT_PAREN") ? parseGroupingLabels(p).labels : [];
      matching = { ...matching, card, include };
    }
  }
  return { returnBool, matching, fill: parseFillModifiers(p) };
}

/** `fill(v)`, `fill_left(v)`, `fill_right(v)`: parsed, then refused as Prometheus does by default. */
function parseFillModifiers(p: ParserState): boolean {
  let seen = false;
  while (p.at("FILL") || p.at("FILL_LEFT") || p.at("FILL_RIGHT")) {
    p.next();
    if (!p.at("LEFT_PAREN")) p.unexpected();
    p.next();
    if (p.at("ADD") || p.at("SUB")) p.next();
    if (!p.at("NUMBER")) p.unexpected();
    p.next();
    if (!p.at("RIGHT_PAREN")) p.unexpected();
    p.next();
    seen = true;
  }
  return seen;
}

const BINARY_OPS: Partial<Record<TokenKind, BinaryOp>> = {
  ADD: "+",
  SUB: "-",
  MUL: "*",
  DIV: "/",
  MOD: "%",
  POW: "^",
  ATAN2: "atan2",
  EQLC: "==",
  NEQ: "!=",
  GTR: ">",
  LSS: "<",
  GTE: ">=",
  LTE: "<=",
  LAND: "and",
  LOR: "or",
  LUNLESS: "unless",
};

function binary(p: ParserState, lhs: Expr, op: Token, m: BinaryModifiers, rhs: Expr): BinaryExpr {
  const span = { start: lhs.span.start, end: rhs.span.end };
  if (m.fill) p.report(span, "binop fill modifiers are experimental and not enabled");
  // The type checker narrows `matching` once both sides' types are known (check.ts).
  const op2 = BINARY_OPS[op.kind]!;
  return {
    type: "BinaryExpr",
    op: op2,
    lhs,
    rhs,
    matching: m.matching,
    returnBool: m.returnBool,
    span,
  };
}

/** A unary sign, or a primary expression with its `[…]`, `offset` and `@` suffixes. */
function parseUnary(p: ParserState): Expr {
  const sign = p.peek();
  if (sign.kind !== "ADD" && sign.kind !== "SUB") return parsePostfix(p, parsePrimary(p));
  p.next();
  // Only `^` binds tighter than a sign.
  const operand = parseExpression(p, POW_PRECEDENCE);
  const span = { start: sign.start, end: operand.span.end };
  const op = sign.kind === "SUB" ? "-" : "+";
  if (operand.type === "NumberLiteral") {
    const value = op === "-" ? -operand.value : operand.value;
    return { type: "NumberLiteral", value, span };
  }
  return { type: "UnaryExpr", op, expr: operand, span };
}

function parsePrimary(p: ParserState): Expr {
  const t = p.peek();
  switch (t.kind) {
    case "NUMBER":
    case "DURATION":
      return numberLiteral(p, p.next());
    case "STRING":
      p.next();
      return {
        type: "StringLiteral",
        value: unquote(t.text),
        span: { start: t.start, end: t.end },
      };
    case "LEFT_PAREN":
      return parseParen(p);
    case "LEFT_BRACE":
      return parseVectorSelector(p, null);
  }
  if (!isMetricWord(t.kind)) p.unexpected();
  p.next();
  const after = p.peek().kind;
  if (isAggregator(t.kind) && (after === "LEFT_PAREN" || after === "BY" || after === "WITHOUT")) {
    return parseAggregation(p, t);
  }
  if (after === "LEFT_PAREN" && CALLABLE.has(t.kind)) return parseCall(p, t);
  return parseVectorSelector(p, t);
}

/** Words that name a function when `(` follows (`start()` is a function, `start` a metric). */
const CALLABLE: ReadonlySet<TokenKind> = new Set(["IDENTIFIER", "START", "END", "STEP", "RANGE"]);

/** A NUMBER or DURATION token as a number; a duration counts seconds (`5m` is 300). */
export function numberLiteral(p: ParserState, t: Token): NumberLiteral {
  return {
    type: "NumberLiteral",
    value: literalSeconds(p, t),
    span: { start: t.start, end: t.end },
  };
}

/** The value of a NUMBER or DURATION token in seconds; a malformed one is reported and reads 0. */
export function literalSeconds(p: ParserState, t: Token): number {
  if (t.kind === "DURATION") {
    try {
      return parseDuration(t.text) / 1000;
    } catch (error) {
      p.report(t, (error as Error).message);
      return 0;
    }
  }
  const n = parseNumber(t.text);
  if ("value" in n) return n.value;
  p.report(t, `error parsing number: ${n.error}`);
  return 0;
}

function parseParen(p: ParserState): Expr {
  const open = p.next();
  const expr = parseExpression(p, 0);
  if (!p.at("RIGHT_PAREN")) p.unexpected();
  const close = p.next();
  return { type: "ParenExpr", expr, span: { start: open.start, end: close.end } };
}
