/**
 * Vector selectors: `name`, `name{matchers}`, `{matchers}`, and Prometheus 3's quoted UTF-8
 * names (`{"my.metric", "a.b"="c"}`). The metric name written before the braces becomes the
 * last matcher, `__name__="name"`, as in Prometheus. Regexes are compiled here so that a bad
 * one is a parse error, and kept for the type checker's "matches the empty string" test.
 */

import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { compileRegex, type Regex, RegexError } from "../../../shared/regex/regex.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import type { Span, VectorSelector } from "./ast.ts";
import type { ParserState } from "./state.ts";
import type { Token, TokenKind } from "./tokens.ts";

/** A selector; `name` (already read) is the metric name before the braces, if any. */
export function parseVectorSelector(p: ParserState, name: Token | null): VectorSelector {
  let matchers: LabelMatcher[] = [];
  let span: Span = name === null ? { start: 0, end: 0 } : { start: name.start, end: name.end };
  if (p.at("LEFT_BRACE")) {
    const braces = parseLabelMatchers(p);
    matchers = braces.matchers;
    span = { start: name === null ? braces.start : name.start, end: braces.end };
  }
  if (name !== null) matchers.push({ name: "__name__", type: "=", value: name.text });
  const metric = name === null ? "" : name.text;
  return { type: "VectorSelector", name: metric, matchers, offset: 0, at: null, span };
}

function parseLabelMatchers(p: ParserState): {
  matchers: LabelMatcher[];
  start: number;
  end: number;
} {
  const start = p.next().start;
  const matchers: LabelMatcher[] = [];
  while (!p.at("RIGHT_BRACE")) {
    matchers.push(parseLabelMatcher(p));
    if (p.at("RIGHT_BRACE")) break;
    if (!p.at("COMMA")) p.unexpected("label matching", '"," or "}"');
    p.next();
  }
  return { matchers, start, end: p.next().end };
}

const MATCH_OPS: Partial<Record<TokenKind, LabelMatcher["type"]>> = {
  EQL: "=",
  NEQ: "!=",
  EQL_REGEX: "=~",
  NEQ_REGEX: "!~",
};

function parseLabelMatcher(p: ParserState): LabelMatcher {
  const label = p.peek();
  if (label.kind !== "IDENTIFIER" && label.kind !== "STRING") {
    p.unexpected("label matching", 'identifier or "}"');
  }
  p.next();
  const name = label.kind === "STRING" ? unquote(label.text) : label.text;
  const type = MATCH_OPS[p.peek().kind];
  if (type === undefined) {
    // A lone quoted string names the metric: `{"my.metric"}`.
    if (label.kind === "STRING") return { name: "__name__", type: "=", value: name };
    p.unexpected("label matching", "label matching operator");
  }
  p.next();
  const value = p.peek();
  if (value.kind !== "STRING") p.unexpected("label matching", "string");
  p.next();
  const matcher: LabelMatcher = { name, type, value: unquote(value.text) };
  if (type === "=~" || type === "!~") {
    const problem = regexProblem(matcher.value);
    if (problem !== null) p.report({ start: label.start, end: value.end }, problem);
  }
  return matcher;
}

/** A matcher's compiled regex (shared/regex keeps them), or Prometheus's complaint about it. */
function compiled(pattern: string): Regex | string {
  try {
    return compileRegex(pattern);
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    return `error parsing regexp: ${error.reason}`;
  }
}

/** Why a matcher regex does not compile, or null when it does. */
function regexProblem(pattern: string): string | null {
  const entry = compiled(pattern);
  return typeof entry === "string" ? entry : null;
}

/** Whether a matcher accepts the empty string (an absent label); regexes must compile. */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    default: {
      const re = compiled(m.value);
      const matches = typeof re !== "string" && re.test("");
      return m.type === "=~" ? matches : !matches;
    }
  }
}
