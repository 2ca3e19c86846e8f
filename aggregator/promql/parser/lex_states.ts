/**
 * The lexer's states, ported from Prometheus's `lex.go`: statements (operators, names,
 * literals), inside `{…}` (label matchers), and the duration expression right after `[`.
 */
import { goQuoteRune } from "../../../shared/model/go_string.ts";
import {
  lexIdentifier,
  lexKeywordOrIdentifier,
  lexNumberOrDuration,
  lexRawString,
  lexString,
  scanDurationKeyword,
} from "./lex_scan.ts";
import type { Lexer, LexState } from "./lexer.ts";
import { EOF_RUNE, isAlpha, isDigit, isSpace } from "./runes.ts";
import type { TokenKind } from "./tokens.ts";

/** Operators, names, literals and brackets: everything outside braces. */
export function lexStatements(l: Lexer): LexState {
  if (l.braceOpen) return lexInsideBraces(l);
  if (l.input.charCodeAt(l.pos) === 0x23) return lexLineComment(l);
  const r = l.next();
  if (r === EOF_RUNE) {
    if (l.parenDepth !== 0) return l.errorf("unclosed left parenthesis");
    if (l.bracketOpen) return l.errorf("unclosed left bracket");
    l.emit("EOF");
    return "done";
  }
  if (isSpace(r)) return lexSpace(l);
  const single = SINGLE_CHAR[r];
  if (single !== undefined) {
    l.emit(single);
    return "statements";
  }
  if (isDigit(r) || (r === 0x2e && isDigit(l.peek()))) {
    l.backup();
    return lexNumberOrDuration(l);
  }
  if (r === 0x22 || r === 0x27) return lexString(l, r);
  if (r === 0x60) return lexRawString(l);
  if (isAlpha(r) || r === 0x3a) return lexWordOrColon(l, r);
  return lexPunctuation(l, r);
}

/** Characters that are a whole token by themselves in statements. */
const SINGLE_CHAR: Record<number, TokenKind> = {
  44: "COMMA",
  42: "MUL",
  47: "DIV",
  37: "MOD",
  43: "ADD",
  45: "SUB",
  94: "POW",
  64: "AT",
};

function lexWordOrColon(l: Lexer, r: number): LexState {
  if (!l.bracketOpen) {
    l.backup();
    return lexKeywordOrIdentifier(l);
  }
  if (r === 0x3a) {
    if (l.gotColon) return l.errorf(`unexpected colon ${goQuoteRune(r)}`);
    if (l.peek() === 0x3a) {
      l.next();
      l.emit("DOUBLE_COLON");
    } else l.emit("COLON");
    l.gotColon = true;
    return "statements";
  }
  // Inside brackets only the duration functions are words.
  if ("sSmMrR".includes(String.fromCharCode(r)) && scanDurationKeyword(l)) return "statements";
  return l.errorf(`unexpected character: ${goQuoteRune(r)}, expected ${goQuoteRune(0x3a)}`);
}

function lexPunctuation(l: Lexer, r: number): LexState {
  switch (r) {
    case 0x3d: {
      const t = l.peek();
      if (t === 0x3d) {
        l.next();
        l.emit("EQLC");
      } else if (t === 0x7e) return l.errorf(`unexpected character after '=': ${goQuoteRune(t)}`);
      else l.emit("EQL");
      return "statements";
    }
    case 0x21: {
      const t = l.next();
      if (t !== 0x3d) return l.errorf(`unexpected character after '!': ${goQuoteRune(t)}`);
      l.emit("NEQ");
      return "statements";
    }
    case 0x3c:
    case 0x3e:
      return lexComparison(l, r);
    case 0x28:
      l.emit("LEFT_PAREN");
      l.parenDepth++;
      return "statements";
    case 0x29:
      l.emit("RIGHT_PAREN");
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right parenthesis ${goQuoteRune(r)}`);
      return "statements";
    case 0x7b:
      l.emit("LEFT_BRACE");
      l.braceOpen = true;
      return "braces";
    case 0x5b:
      return lexLeftBracket(l, r);
    case 0x5d:
      if (!l.bracketOpen) return l.errorf(`unexpected right bracket ${goQuoteRune(r)}`);
      l.emit("RIGHT_BRACKET");
      l.bracketOpen = false;
      return "statements";
    default:
      return l.errorf(`unexpected character: ${goQuoteRune(r)}`);
  }
}

function lexComparison(l: Lexer, r: number): LexState {
  const orEqual = l.peek() === 0x3d;
  if (orEqual) l.next();
  if (r === 0x3c) l.emit(orEqual ? "LTE" : "LSS");
  else l.emit(orEqual ? "GTE" : "GTR");
  return "statements";
}

function lexLeftBracket(l: Lexer, r: number): LexState {
  if (l.bracketOpen) return l.errorf(`unexpected left bracket ${goQuoteRune(r)}`);
  l.gotColon = false;
  l.emit("LEFT_BRACKET");
  if (isSpace(l.peek())) skipSpaces(l);
  l.bracketOpen = true;
  return "duration";
}

function skipSpaces(l: Lexer): void {
  while (isSpace(l.peek())) l.next();
  l.ignore();
}

function lexSpace(l: Lexer): LexState {
  skipSpaces(l);
  return "statements";
}

function lexLineComment(l: Lexer): LexState {
  l.pos++;
  let r = l.next();
  while (r !== 0x0a && r !== 0x0d && r !== EOF_RUNE) r = l.next();
  l.backup();
  l.emit("COMMENT");
  return "statements";
}

/** Inside `{…}`: label names, match operators, strings and commas; keywords are plain names. */
export function lexInsideBraces(l: Lexer): LexState {
  if (l.input.charCodeAt(l.pos) === 0x23) return lexLineComment(l);
  const r = l.next();
  if (r === EOF_RUNE) return l.errorf("unexpected end of input inside braces");
  if (isSpace(r)) return lexSpace(l);
  if (isAlpha(r)) {
    l.backup();
    return lexIdentifier(l);
  }
  switch (r) {
    case 0x2c:
      l.emit("COMMA");
      return "braces";
    case 0x22:
    case 0x27:
      return lexString(l, r);
    case 0x60:
      return lexRawString(l);
    case 0x3d:
      if (l.next() === 0x7e) l.emit("EQL_REGEX");
      else {
        l.backup();
        l.emit("EQL");
      }
      return "braces";
    case 0x21: {
      const nr = l.next();
      if (nr === 0x7e) l.emit("NEQ_REGEX");
      else if (nr === 0x3d) l.emit("NEQ");
      else return l.errorf(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
      return "braces";
    }
    case 0x7b:
      return l.errorf(`unexpected left brace ${goQuoteRune(r)}`);
    case 0x7d:
      l.emit("RIGHT_BRACE");
      l.braceOpen = false;
      return "statements";
    default:
      return l.errorf(`unexpected character inside braces: ${goQuoteRune(r)}`);
  }
}

/** Right after `[` and after operators inside it: a duration, number or duration expression. */
export function lexDurationExpr(l: Lexer): LexState {
  const r = l.next();
  if (r === EOF_RUNE) return l.errorf("unexpected end of input in duration expression");
  if (isSpace(r)) {
    skipSpaces(l);
    return "duration";
  }
  if (isDigit(r) || (r === 0x2e && isDigit(l.peek()))) {
    l.backup();
    l.gotDuration = true;
    return lexNumberOrDuration(l);
  }
  switch (r) {
    case 0x5d:
      l.emit("RIGHT_BRACKET");
      l.bracketOpen = false;
      l.gotColon = false;
      return "statements";
    case 0x3a:
      l.emit("COLON");
      if (!l.gotDuration) {
        return l.errorf("unexpected colon before duration in duration expression");
      }
      if (l.gotColon) return l.errorf("unexpected repeated colon in duration expression");
      l.gotColon = true;
      return "duration";
    case 0x28:
      l.emit("LEFT_PAREN");
      l.parenDepth++;
      return "duration";
    case 0x29:
      l.emit("RIGHT_PAREN");
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right parenthesis ${goQuoteRune(r)}`);
      return "duration";
  }
  const single = SINGLE_CHAR[r];
  if (single !== undefined && r !== 0x40) {
    l.emit(single);
    return "duration";
  }
  if ("sSmMrR".includes(String.fromCharCode(r)) && scanDurationKeyword(l)) return "duration";
  return l.errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
}
