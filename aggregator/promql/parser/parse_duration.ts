/**
 * Durations in `[range:step]` and after `offset`: a number (seconds) or duration literal, with
 * an optional sign. Prometheus 3 also has duration expressions (`[5m+1m]`, `offset (2*1h)`,
 * `[step()]`) behind its `promql-duration-expr` flag; they are parsed here, refused with
 * Prometheus's message unless `durationExpressions` is on, and then folded to a constant.
 * `step()`, `range()` and `min_of`/`max_of` over them depend on the query and are refused.
 */
import type { Span } from "./ast.ts";
import { goRound } from "./go_format.ts";
import { literalSeconds } from "./parse_expr.ts";
import type { ParserState } from "./state.ts";
import type { TokenKind } from "./tokens.ts";

/** A duration expression: its value in seconds (NaN when it depends on the query). */
interface Duration {
  readonly seconds: number;
  readonly span: Span;
  /** A plain literal, possibly signed: allowed without the duration-expression flag. */
  readonly literal: boolean;
}

/** Durations beyond ±2^63 ns cannot be represented (Go's time.Duration). */
const MAX_SECONDS = 2 ** 63 / 1e9;

const PRECEDENCE: Partial<Record<TokenKind, number>> = {
  ADD: 4,
  SUB: 4,
  MUL: 5,
  DIV: 5,
  MOD: 5,
  POW: 6,
};

/** Seconds to milliseconds as Prometheus rounds them (to whole nanoseconds). */
function toMs(seconds: number): number {
  return goRound(seconds * 1e9) / 1e6;
}

/** The range or step inside `[…]`, in ms; it must be positive. */
export function parseRangeDuration(p: ParserState): number {
  const d = parseExpression(p, 0);
  if (!(d.seconds > 0) && !Number.isNaN(d.seconds))
    p.report(d.span, "duration must be greater than 0");
  return toMs(Number.isNaN(d.seconds) ? 0 : d.seconds);
}

/** The duration after `offset`, in ms, and where it ends. It stops after one term. */
export function parseOffsetDuration(p: ParserState): { ms: number; end: number } {
  const sign = p.peek();
  const signed = sign.kind === "ADD" || sign.kind === "SUB";
  if (signed) p.next();
  let d = parseTerm(p);
  if (signed) d = applySign(p, sign.kind === "SUB", { start: sign.start, end: sign.end }, d);
  return { ms: toMs(Number.isNaN(d.seconds) ? 0 : d.seconds), end: d.span.end };
}

function parseExpression(p: ParserState, minPrecedence: number): Duration {
  p.enter();
  let lhs = parseUnary(p);
  for (;;) {
    const op = p.peek();
    const precedence = PRECEDENCE[op.kind];
    if (precedence === undefined || precedence < minPrecedence) break;
    p.next();
    const rhs = parseExpression(p, op.kind === "POW" ? precedence : precedence + 1);
    experimental(p, lhs.span);
    if ((op.kind === "DIV" || op.kind === "MOD") && rhs.seconds === 0) {
      p.report(op, op.kind === "DIV" ? "division by zero" : "modulo by zero");
    }
    const span = { start: lhs.span.start, end: rhs.span.end };
    lhs = { seconds: arithmetic(op.kind, lhs.seconds, rhs.seconds), span, literal: false };
  }
  p.leave();
  return lhs;
}

function arithmetic(op: TokenKind, a: number, b: number): number {
  switch (op) {
    case "ADD":
      return a + b;
    case "SUB":
      return a - b;
    case "MUL":
      return a * b;
    case "DIV":
      return a / b;
    case "MOD":
      return a % b;
    default:
      return a ** b;
  }
}

function parseUnary(p: ParserState): Duration {
  const sign = p.peek();
  if (sign.kind !== "ADD" && sign.kind !== "SUB") return parseTerm(p);
  p.next();
  const operand = parseExpression(p, PRECEDENCE.POW!);
  return applySign(p, sign.kind === "SUB", { start: sign.start, end: sign.end }, operand);
}

function applySign(p: ParserState, negative: boolean, sign: Span, d: Duration): Duration {
  const seconds = negative ? -d.seconds : d.seconds;
  const span = { start: sign.start, end: d.span.end };
  if (d.literal && Math.abs(seconds) > MAX_SECONDS) {
    p.report(sign, "duration out of range");
    return { seconds: 0, span, literal: true };
  }
  return { seconds, span, literal: d.literal };
}

/** A literal, `( … )`, `step()`, `range()`, `min_of(a, b)` or `max_of(a, b)`. */
function parseTerm(p: ParserState): Duration {
  const t = p.peek();
  if (t.kind === "NUMBER" || t.kind === "DURATION") {
    p.next();
    const span = { start: t.start, end: t.end };
    const seconds = literalSeconds(p, t);
    if (Math.abs(seconds) <= MAX_SECONDS) return { seconds, span, literal: true };
    p.report(span, "duration out of range");
    return { seconds: 0, span, literal: true };
  }
  if (t.kind === "LEFT_PAREN") {
    p.next();
    const inner = parseExpression(p, 0);
    expect(p, "RIGHT_PAREN");
    experimental(p, inner.span);
    return { seconds: inner.seconds, span: { start: t.start, end: p.next().end }, literal: false };
  }
  const name = t.kind === "IDENTIFIER" ? t.text.toLowerCase() : t.kind.toLowerCase();
  if (name !== "step" && name !== "range" && name !== "min_of" && name !== "max_of") {
    p.unexpected();
  }
  p.next();
  expect(p, "LEFT_PAREN");
  p.next();
  if (name === "min_of" || name === "max_of") {
    parseExpression(p, 0);
    expect(p, "COMMA");
    p.next();
    parseExpression(p, 0);
  }
  expect(p, "RIGHT_PAREN");
  const span = { start: t.start, end: p.next().end };
  experimental(p, span);
  if (p.durationExpressions) p.report(span, `${name}() in durations is not supported`);
  return { seconds: Number.NaN, span, literal: false };
}

function expect(p: ParserState, kind: TokenKind): void {
  if (!p.at(kind)) p.unexpected();
}

/** Refuses a duration expression unless they are enabled, as Prometheus does by default. */
function experimental(p: ParserState, span: Span): void {
  if (!p.durationExpressions) p.report(span, "experimental duration expression is not enabled");
}
