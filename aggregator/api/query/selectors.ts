/**
 * Series selectors in `match[]` parameters, and label names in URL paths, read as Prometheus 3
 * reads them.
 */

import { goQuote } from "../../../shared/model/go_string.ts";
import type { Expr } from "../../promql/parser/ast.ts";
import { positionOf } from "../../promql/parser/errors.ts";
import { Lexer } from "../../promql/parser/lexer.ts";
import { ParseError, parseExpr } from "../../promql/parser/parse.ts";
import { describeToken, isMetricWord } from "../../promql/parser/tokens.ts";
import { compileMatcher } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";

const EMPTY_SELECTOR = "vector selector must contain at least one non-empty matcher";
const MATCH_ALL = "match[] must contain at least one non-empty matcher";

/**
 * Parses one series selector (`up{job="x"}`). Anything else is refused: the metadata
 * endpoints take selectors, not expressions.
 */
export function parseSelector(text: string): LabelMatcher[] {
  const beyond = beyondSelector(text);
  if (beyond !== null) throw new SyntaxError(beyond);
  let expr: Expr;
  try {
    expr = parseExpr(text);
  } catch (err) {
    // Prometheus's selector parser leaves this check to the API, which words it so.
    const matchesAll = err instanceof ParseError && err.reason === EMPTY_SELECTOR;
    throw matchesAll ? new SyntaxError(MATCH_ALL) : err;
  }
  if (expr.type !== "VectorSelector" || expr.offset !== 0 || expr.at !== null) {
    // Not reached: beyondSelector() refuses whatever is more than a selector.
    throw new SyntaxError(`1:1: parse error: expected a series selector, got ${goQuote(text)}`);
  }
  return [...expr.matchers];
}

/**
 * Where Prometheus's selector parser (`ParseMetricSelector`) stops on text that is not one
 * series selector, in its words: the first token that cannot start a selector, or the first
 * token after a complete one (`sum(up)` is `1:4: parse error: unexpected "("`, `up offset 5m`
 * `1:4: … unexpected <offset>`). Null when the text is a selector, or when the selector
 * itself is broken (inside its braces), which the full parser words as Prometheus does.
 */
function beyondSelector(text: string): string | null {
  if (text === "") return "1:1: parse error: unexpected end of input";
  const lexer = new Lexer(text);
  let t = lexer.nextToken();
  if (isMetricWord(t.kind)) t = lexer.nextToken();
  if (t.kind === "LEFT_BRACE") {
    do t = lexer.nextToken();
    while (t.kind !== "RIGHT_BRACE" && t.kind !== "EOF" && t.kind !== "ERROR");
    if (t.kind !== "RIGHT_BRACE") return null;
    t = lexer.nextToken();
  }
  if (t.kind === "EOF") return null;
  const reason = t.kind === "ERROR" ? t.text : `unexpected ${describeToken(t)}`;
  return `${positionOf(text, t.start)}: parse error: ${reason}`;
}

/**
 * Parses every `match[]` value, as Prometheus's `parseMatchersParam`: each selector needs one
 * matcher that does not match the empty string, or it would select every series.
 */
export function parseMatchers(values: readonly string[]): LabelMatcher[][] {
  const sets = values.map(parseSelector);
  for (const set of sets) {
    if (!set.some((m) => !compileMatcher(m)(""))) {
      throw new SyntaxError(MATCH_ALL);
    }
  }
  return sets;
}

/**
 * Undoes Prometheus 3's `U__` escaping of a label name in a URL path (`U__http_2e_method` is
 * `http.method`): `__` is `_`, `_<hex>_` a code point. Invalid escapes leave the name as is,
 * as `model.UnescapeName` does.
 */
export function unescapeLabelName(name: string): string {
  if (!name.startsWith("U__")) return name;
  const escaped = name.slice(3);
  let out = "";
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] !== "_") {
      out += escaped[i];
      continue;
    }
    i++;
    if (i >= escaped.length) return name;
    if (escaped[i] === "_") {
      out += "_";
      continue;
    }
    const close = escaped.indexOf("_", i);
    const hex = close < 0 ? "" : escaped.slice(i, close);
    // Go gives up at a sixth hex digit, so five is the most an escape can hold.
    if (hex.length === 0 || hex.length > 5 || !/^[0-9a-fA-F]+$/.test(hex)) return name;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return name;
    out += String.fromCodePoint(code);
    i = close;
  }
  return out;
}
