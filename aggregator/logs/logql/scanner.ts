/**
 * The part of Go's `text/scanner` that Loki's LogQL lexer stands on: whitespace and Go
 * comments skipped, identifiers, numbers, strings, raw strings and single runes, with the
 * scanner's notion of position (1-based line and rune column of the token, and the column
 * after the last rune at the end of input). Errors carry the scanner's wording.
 */

/** A raw token of the scanner. */
export interface RawToken {
  readonly type: "EOF" | "Ident" | "Int" | "Float" | "String" | "RawString" | "Char" | "Rune";
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

/** A scanner error, at the position of the token being scanned. */
export class ScanError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Go's `unicode.IsLetter` for one code point. */
export function isLetter(c: string): boolean {
  return c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || LETTER.test(c);
}

function isIdentRune(c: string, first: boolean): boolean {
  return isLetter(c) || (!first && ((c >= "0" && c <= "9") || DIGIT.test(c)));
}

function isDecimal(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Reads runes and tokens from a query, tracking Go's line and column. */
export class Scanner {
  pos = 0;
  line = 1;
  /** Runes read on the current line. */
  column = 0;

  constructor(readonly input: string) {}

  /** The next rune, or undefined at the end. */
  peek(): string | undefined {
    if (this.pos >= this.input.length) return undefined;
    const cp = this.input.codePointAt(this.pos)!;
    return String.fromCodePoint(cp);
  }

  /** Reads one rune. */
  next(): string | undefined {
    const c = this.peek();
    if (c === undefined) return undefined;
    this.pos += c.length;
    if (c === "\n") {
      this.line++;
      this.column = 0;
    } else {
      this.column++;
    }
    return c;
  }

  /** Scans the next token, skipping white space and comments. */
  scan(): RawToken {
    this.skipSpace();
    const line = this.line;
    const col = this.column + 1;
    const start = this.pos;
    const c = this.peek();
    const token = (type: RawToken["type"]): RawToken => ({
      type,
      text: this.input.slice(start, this.pos),
      line,
      col,
    });
    if (c === undefined) return { type: "EOF", text: "", line, col };
    if (isIdentRune(c, true)) {
      this.next();
      while (this.peek() !== undefined && isIdentRune(this.peek()!, false)) this.next();
      return token("Ident");
    }
    if (isDecimal(c) || (c === "." && isDecimal(this.input[this.pos + 1]))) {
      return token(this.scanNumber(line, col));
    }
    this.next();
    if (c === '"') this.scanString(line, col);
    else if (c === "`") this.scanRaw(line, col);
    else if (c === "'") this.scanChar(line, col);
    const type = c === '"' ? "String" : c === "`" ? "RawString" : c === "'" ? "Char" : "Rune";
    return token(type);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.next();
      } else if (c === "/" && this.input[this.pos + 1] === "/") {
        while (this.peek() !== undefined && this.peek() !== "\n") this.next();
      } else if (c === "/" && this.input[this.pos + 1] === "*") {
        const line = this.line;
        const col = this.column + 1;
        this.next();
        this.next();
        while (!(this.peek() === "*" && this.input[this.pos + 1] === "/")) {
          if (this.next() === undefined) throw new ScanError("comment not terminated", line, col);
        }
        this.next();
        this.next();
      } else {
        return;
      }
    }
  }

  /** Go's number syntax: decimal, `0x`/`0o`/`0b` prefixes, fractions, exponents, `_`. */
  private scanNumber(line: number, col: number): "Int" | "Float" {
    let type: "Int" | "Float" = "Int";
    let digits = /[0-9_]/;
    if (this.peek() === "0") {
      this.next();
      const p = this.peek()?.toLowerCase();
      if (p === "x") digits = /[0-9a-fA-F_]/;
      if (p === "x" || p === "o" || (p === "b" && !/\s/.test(this.input[this.pos + 1] ?? " "))) {
        this.next();
      }
    }
    this.acceptRun(digits);
    if (this.peek() === ".") {
      type = "Float";
      this.next();
      this.acceptRun(digits);
    }
    const e = this.peek()?.toLowerCase();
    if (e === "e" || e === "p") {
      type = "Float";
      this.next();
      if (this.peek() === "+" || this.peek() === "-") this.next();
      if (!isDecimal(this.peek())) throw new ScanError("exponent has no digits", line, col);
      this.acceptRun(/[0-9_]/);
    }
    return type;
  }

  private acceptRun(valid: RegExp): void {
    while (this.peek() !== undefined && valid.test(this.peek()!)) this.next();
  }

  private scanString(line: number, col: number): void {
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") throw new ScanError("literal not terminated", line, col);
      if (c === '"') return;
      if (c === "\\") this.scanEscape('"', line, col);
    }
  }

  private scanEscape(quote: string, line: number, col: number): void {
    const c = this.next();
    const bad = () => new ScanError("invalid char escape", line, col);
    if (c !== undefined && "abfnrtv\\".includes(c)) return;
    if (c === quote) return;
    const hex = /[0-9a-fA-F]/;
    const count = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (count > 0) {
      for (let i = 0; i < count; i++) if (!hex.test(this.next() ?? "")) throw bad();
      return;
    }
    if (c !== undefined && c >= "0" && c <= "7") {
      for (let i = 0; i < 2; i++) if (!/[0-7]/.test(this.next() ?? "")) throw bad();
      return;
    }
    throw bad();
  }

  private scanRaw(line: number, col: number): void {
    for (;;) {
      const c = this.next();
      if (c === undefined) throw new ScanError("literal not terminated", line, col);
      if (c === "`") return;
    }
  }

  private scanChar(line: number, col: number): void {
    let n = 0;
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") throw new ScanError("literal not terminated", line, col);
      if (c === "'") break;
      if (c === "\\") this.scanEscape("'", line, col);
      n++;
    }
    if (n !== 1) throw new ScanError("invalid char literal", line, col);
  }
}
