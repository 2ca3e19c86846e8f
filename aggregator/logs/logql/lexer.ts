/**
 * The LogQL lexer, following Loki's `syntax/lex.go` on top of the Go scanner: numbers that
 * run into a unit become DURATION or BYTES, `[5m]` is one RANGE token, two-rune operators are
 * joined, `#` starts a comment, function names are tokens only before `(`. When Loki's lexer
 * reads past a token's first rune with `Next()`, Go invalidates the position's line, so
 * errors at such tokens say "line 0" — kept, since it is what Loki prints.
 */

import { unquoteGo as unquote } from "../../../shared/model/go_string.ts";
import { parseDuration as parsePromDuration } from "../../promql/parser/parse.ts";
import { parseBytes, parseLokiDuration } from "./go_values.ts";
import { type RawToken, ScanError, Scanner } from "./scanner.ts";
import { FUNCTIONS, KEYWORDS, PARSER_FLAGS, type Token } from "./tokens.ts";

/** A lexing or parsing problem at a position (line 0 and column 0 when it has none). */
export class LogQLSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(reason);
  }
}

const DURATION_RUNE = /[nuµmshdwy]/;
const BYTES_RUNE = /[BikKMGTP]/;
const NUMBER_RUNE = /\p{N}/u;
const SPACE = /\s/u;

/** Turns a query into Loki's tokens, one at a time. */
export class Lexer {
  private readonly s: Scanner;

  constructor(input: string) {
    this.s = new Scanner(input);
  }

  /** The next token; throws a LogQLSyntaxError for a lexing error. */
  next(): Token {
    const t = this.scan();
    const make = (kind: string, text: string, value = 0, moved = false): Token => ({
      kind,
      text,
      value,
      line: moved ? 0 : t.line,
      col: t.col,
    });
    switch (t.type) {
      case "EOF":
        return make("$end", "");
      case "Int":
      case "Float":
        return this.number(t, make);
      case "String":
      case "RawString":
        if (!t.text.isWellFormed()) throw new LogQLSyntaxError("invalid UTF-8 rune", t.line, t.col);
        return make("STRING", t.type === "RawString" ? t.text.slice(1, -1) : unquote(t.text));
    }
    if (t.text === "#") {
      while (this.s.peek() !== undefined && this.s.peek() !== "\n") this.s.next();
      return this.next();
    }
    if (t.text === "-") {
      const special = this.dash(make);
      if (special !== undefined) return special;
    }
    if (t.text === "[") return this.range(t, make);
    return this.word(t, make);
  }

  private scan(): RawToken {
    try {
      return this.s.scan();
    } catch (error) {
      if (!(error instanceof ScanError)) throw error;
      throw new LogQLSyntaxError(error.message, error.line, error.col);
    }
  }

  private number(t: RawToken, make: Maker): Token {
    const duration = this.tryUnit(t.text, DURATION_RUNE, parseLokiDuration);
    if (duration !== undefined) return make("DURATION", t.text, duration, true);
    const bytes = this.tryUnit(t.text, BYTES_RUNE, (s) => parseBytes(s).value);
    if (bytes !== undefined) return make("BYTES", t.text, bytes, true);
    return make("NUMBER", t.text);
  }

  /**
   * Loki's `tryScanDuration`/`tryScanBytes`: the runes up to the next space that are digits,
   * `.` or unit letters, appended to `prefix`; consumed only when the whole parses.
   */
  private tryUnit(
    prefix: string,
    unitRune: RegExp,
    parse: (s: string) => number | undefined,
  ): number | undefined {
    const input = this.s.input;
    let end = this.s.pos;
    while (end < input.length) {
      const c = String.fromCodePoint(input.codePointAt(end)!);
      if (SPACE.test(c) || !(NUMBER_RUNE.test(c) || unitRune.test(c) || c === ".")) break;
      end += c.length;
    }
    if (end === this.s.pos) return undefined;
    const value = parse(prefix + input.slice(this.s.pos, end));
    if (value === undefined) return undefined;
    while (this.s.pos < end) this.s.next();
    return value;
  }

  /** `--strict`-style parser flags and negative durations such as `-5m`. */
  private dash(make: Maker): Token | undefined {
    if (this.s.peek() === "-") {
      const flag = /^-[\p{L}-]*/u.exec(this.s.input.slice(this.s.pos))![0];
      if (PARSER_FLAGS.has(`-${flag}`)) {
        for (let i = 0; i < flag.length; i++) this.s.next();
        return make("PARSER_FLAG", `-${flag}`, 0, true);
      }
    }
    const duration = this.tryUnit("-", DURATION_RUNE, parseLokiDuration);
    if (duration !== undefined) return make("DURATION", "-", duration, true);
    return undefined;
  }

  /** `[<duration>]`, read rune by rune up to `]` and parsed as a Prometheus duration. */
  private range(t: RawToken, make: Maker): Token {
    let body = "";
    for (let c = this.s.next(); c !== undefined; c = this.s.next()) {
      if (c === "]") {
        try {
          return make("RANGE", body, parsePromDuration(body), true);
        } catch (error) {
          throw new LogQLSyntaxError((error as Error).message, 0, t.col);
        }
      }
      body += c;
    }
    throw new LogQLSyntaxError("missing closing ']' in duration", 0, t.col);
  }

  private word(t: RawToken, make: Maker): Token {
    const lower = t.text.toLowerCase();
    const fn = FUNCTIONS.get(lower);
    if (fn !== undefined) return this.isFunction() ? make(fn, t.text) : make("IDENTIFIER", t.text);
    const peek = this.s.peek();
    if (t.type === "Rune" && peek !== undefined && KEYWORDS.has(lower + peek)) {
      this.s.next();
      return make(lower + peek, t.text + peek, 0, true);
    }
    if (KEYWORDS.has(lower)) return make(lower, t.text);
    return make("IDENTIFIER", t.text);
  }

  /** Whether `(`, `by (` or `without (` follows, so that a function name is a function. */
  private isFunction(): boolean {
    const rest = this.s.input.slice(this.s.pos).replace(/^\s+/u, "");
    if (rest.startsWith("(")) return true;
    const grouping = /^(by|without)\s*/iu.exec(rest);
    return grouping !== null && rest[grouping[0].length] === "(";
  }
}

type Maker = (kind: string, text: string, value?: number, moved?: boolean) => Token;
