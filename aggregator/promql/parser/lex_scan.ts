/**
 * The lexer's multi-character scans: numbers and durations, strings with Go escapes, names and
 * keywords. Ported from Prometheus's `lex.go` rune for rune, because how far a bad literal is
 * consumed is part of Prometheus's error message.
 */
import { goQuote, goUnicode } from "../../../shared/model/go_string.ts";
import type { Lexer, LexState } from "./lexer.ts";
import { EOF_RUNE, isAlpha, isAlphaNumeric, isDigit, isSpace, type RuneSet } from "./runes.ts";
import { type TokenKind, WORDS } from "./tokens.ts";

const isHexDigit: RuneSet = (c) =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const is = (text: string): RuneSet => {
  const codes = Array.from(text, (ch) => ch.charCodeAt(0));
  return (c) => codes.includes(c);
};
const DOT = is(".");
const EXPONENT = is("eE");
const UNDERSCORE = is("_");
const SIGN = is("+-");
const DOT_ANTI = is("_.");
const EXPONENT_ANTI = is("._eE");
const UNITS = is("smhdwy");
const LATER_UNITS = is("smhdw");
const ZERO = is("0");
const X = is("xX");
const S = is("s");

/** A number or, failing that, a duration such as `1h30m`. */
export function lexNumberOrDuration(l: Lexer): LexState {
  if (scanNumber(l)) {
    l.emit("NUMBER");
    return "statements";
  }
  if (acceptRemainingDuration(l)) {
    l.backup();
    l.emit("DURATION");
    return "statements";
  }
  return l.errorf(`bad number or duration syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
}

function acceptRemainingDuration(l: Lexer): boolean {
  if (!l.accept(UNITS)) return false;
  l.accept(S); // "ms"; bad pairs such as "hs" are caught when the duration is parsed.
  while (l.accept(isDigit)) {
    while (l.accept(isDigit));
    if (!l.accept(LATER_UNITS)) return false;
    l.accept(S);
  }
  return !isAlphaNumeric(l.next());
}

/** Scans decimal, hexadecimal and float syntax; the value is checked by the parser. */
function scanNumber(l: Lexer): boolean {
  const initial = l.pos;
  let digits: RuneSet = isDigit;
  if (l.accept(ZERO) && l.accept(X)) {
    l.accept(UNDERSCORE);
    digits = isHexDigit;
  }
  const hex = digits === isHexDigit;
  const anyPart: RuneSet = (c) => digits(c) || c === 0x2e || c === 0x5f || EXPONENT(c);
  l.accept(DOT);
  l.accept(digits);
  let dotConsumed = false;
  let exponentConsumed = false;
  while (l.is(anyPart)) {
    if (l.is(DOT) && dotConsumed) {
      l.accept(DOT);
      return false;
    }
    if (l.is(EXPONENT) && exponentConsumed) {
      l.accept(EXPONENT);
      return false;
    }
    if (l.accept(DOT)) {
      dotConsumed = true;
      if (l.accept(DOT_ANTI) || hex) return false;
      continue;
    }
    if (l.accept(EXPONENT)) {
      exponentConsumed = true;
      l.accept(SIGN);
      if (l.accept(EXPONENT_ANTI) || l.peek() === EOF_RUNE) return false;
      continue;
    }
    if (l.accept(UNDERSCORE)) {
      if (l.accept(EXPONENT_ANTI) || l.peek() === EOF_RUNE) return false;
      continue;
    }
    l.acceptRun(digits);
  }
  if (l.pos === initial) return false;
  return !isAlphaNumeric(l.peek());
}

/** After `s`, `m` or `r` inside brackets: `step`, `range`, `min_of` or `max_of`. */
export function scanDurationKeyword(l: Lexer): boolean {
  while (isAlpha(l.next()));
  l.backup();
  const word = l.input.slice(l.start, l.pos).toLowerCase();
  const kind = DURATION_WORDS[word];
  if (kind === undefined) return false;
  l.emit(kind);
  return true;
}

const DURATION_WORDS: Record<string, TokenKind> = {
  step: "STEP",
  range: "RANGE",
  min_of: "MIN_OF",
  max_of: "MAX_OF",
};

/** A `"…"` or `'…'` string; the opening quote has been read. */
export function lexString(l: Lexer, quoteRune: number): LexState {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const problem = scanEscape(l, quoteRune);
      if (problem !== null) return l.errorf(problem);
      continue;
    }
    if (r === 0xfffd) return l.errorf("invalid UTF-8 rune");
    if (r === EOF_RUNE || r === 0x0a) return l.errorf("unterminated quoted string");
    if (r === quoteRune) break;
  }
  l.emit("STRING");
  return "statements";
}

/** A `` `…` `` string; the opening backtick has been read. */
export function lexRawString(l: Lexer): LexState {
  for (;;) {
    const r = l.next();
    if (r === 0xfffd) return l.errorf("invalid UTF-8 rune");
    if (r === EOF_RUNE) return l.errorf("unterminated raw string");
    if (r === 0x60) break;
  }
  l.emit("STRING");
  return "statements";
}

/** Checks one escape sequence after `\`; returns Prometheus's complaint, or null. */
function scanEscape(l: Lexer, quoteRune: number): string | null {
  let ch = l.next();
  if (ch === quoteRune || "abfnrtv\\".includes(String.fromCharCode(ch))) return null;
  let n: number;
  let base: number;
  let max: number;
  if (ch >= 0x30 && ch <= 0x37) [n, base, max] = [3, 8, 255];
  else if (ch === 0x78) [n, base, max, ch] = [2, 16, 255, l.next()];
  else if (ch === 0x75) [n, base, max, ch] = [4, 16, 0x10ffff, l.next()];
  else if (ch === 0x55) [n, base, max, ch] = [8, 16, 0x10ffff, l.next()];
  else if (ch === EOF_RUNE) return "escape sequence not terminated";
  else return `unknown escape sequence ${goUnicode(ch)}`;
  let x = 0;
  while (n > 0) {
    const d = digitValue(ch);
    if (d >= base) {
      if (ch === EOF_RUNE) return "escape sequence not terminated";
      return `illegal character ${goUnicode(ch)} in escape sequence`;
    }
    x = x * base + d;
    n--;
    if (n > 0) ch = l.next();
  }
  if (x > max || (x >= 0xd800 && x < 0xe000)) {
    return "escape sequence is an invalid Unicode code point";
  }
  return null;
}

function digitValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}

/** A label name inside braces, where keywords are plain names. */
export function lexIdentifier(l: Lexer): LexState {
  while (isAlphaNumeric(l.next()));
  l.backup();
  l.emit("IDENTIFIER");
  return "statements";
}

/** A name outside braces: keyword, metric name (may hold `:`), function name, `Inf` or `NaN`. */
export function lexKeywordOrIdentifier(l: Lexer): LexState {
  for (;;) {
    const r = l.next();
    if (!isAlphaNumeric(r) && r !== 0x3a) break;
  }
  l.backup();
  const word = l.input.slice(l.start, l.pos);
  const kind = WORDS.get(word.toLowerCase());
  if (kind === undefined) l.emit(word.includes(":") ? "METRIC_IDENTIFIER" : "IDENTIFIER");
  else if (kind.startsWith("FILL") && !followedByLeftParen(l)) l.emit("IDENTIFIER");
  else l.emit(kind);
  return "statements";
}

/** Whether the next non-space character is `(`; `fill` is a keyword only then. */
function followedByLeftParen(l: Lexer): boolean {
  let i = l.pos;
  while (i < l.input.length && isSpace(l.input.charCodeAt(i))) i++;
  return l.input.charCodeAt(i) === 0x28;
}
