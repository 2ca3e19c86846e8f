/**
 * The PromQL parser's entry point: text in, type-checked syntax tree out, or a ParseError
 * worded as Prometheus 3 words it. A hand-written recursive-descent parser that reproduces
 * the behaviour of Prometheus's yacc grammar, including which problem it reports first.
 */
import type { LabelMatcher } from "../../storage/storage.ts";
import type { Expr } from "./ast.ts";
import { checkExpr } from "./check.ts";
import { ParseError } from "./errors.ts";
import { checkNesting } from "./nesting.ts";
import { parseExpression } from "./parse_expr.ts";
import { parseVectorSelector } from "./parse_selector.ts";
import { ParseAbort, type ParseOptions, ParserState } from "./state.ts";
import { isMetricWord } from "./tokens.ts";

export { formatDuration, parseDuration } from "../../../shared/time/duration.ts";
export { exprType } from "./check.ts";
export { ParseError } from "./errors.ts";
export { exprToString, formatExpr } from "./format.ts";
export { MAX_NESTING } from "./nesting.ts";
export type { ParseOptions } from "./state.ts";

/**
 * Parses and type-checks a PromQL expression. Throws a ParseError for invalid input, and for
 * input nested deeper than MAX_NESTING (nesting.ts), so that what reads the tree may recurse.
 */
export function parseExpr(query: string, options: ParseOptions = {}): Expr {
  const p = new ParserState(query, options);
  let expr: Expr;
  try {
    expr = parseWhole(p);
  } catch (error) {
    if (error instanceof ParseAbort) throw new ParseError(query, p.issues[0]);
    throw error;
  }
  if (p.issues.length === 0) checkNesting(p, expr);
  // Prometheus type-checks only what parsed cleanly.
  if (p.issues.length === 0) checkExpr(p, expr);
  if (p.issues.length > 0) throw new ParseError(query, p.issues[0]);
  return expr;
}

function parseWhole(p: ParserState): Expr {
  if (p.at("EOF")) p.fail({ start: 0, end: 0 }, "no expression found in input");
  const expr = parseExpression(p, 0);
  if (!p.at("EOF")) p.unexpected();
  return expr;
}

/**
 * Parses a series selector such as `up{job="api"}` into its matchers, as Prometheus's
 * `ParseMetricSelector` does for the API's `match[]`. Unlike `parseExpr` it accepts `{}`:
 * callers decide whether an empty selector is allowed.
 */
export function parseMetricSelector(text: string): LabelMatcher[] {
  const p = new ParserState(text, {});
  try {
    const first = p.peek();
    if (!isMetricWord(first.kind) && first.kind !== "LEFT_BRACE") p.unexpected();
    const name = first.kind === "LEFT_BRACE" ? null : p.next();
    const selector = parseVectorSelector(p, name);
    if (!p.at("EOF")) p.unexpected();
    if (p.issues.length > 0) throw new ParseError(text, p.issues[0]);
    return [...selector.matchers];
  } catch (error) {
    if (error instanceof ParseAbort) throw new ParseError(text, p.issues[0]);
    throw error;
  }
}
