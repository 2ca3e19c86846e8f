/**
 * The PromQL lexer: a port of the state machine in Prometheus's `promql/parser/lex.go`, so
 * that it accepts, rejects and words its errors exactly as Prometheus does (which characters a
 * bad number swallows decides the text of "bad number or duration syntax: …"). Tokens are made
 * on demand; a lexing error comes back as an ERROR token when the parser reaches it.
 */
import { lexDurationExpr, lexInsideBraces, lexStatements } from "./lex_states.ts";
import { EOF_RUNE, type RuneSet } from "./runes.ts";
import type { Token, TokenKind } from "./tokens.ts";

/** Which state function runs next; "done" after the end of input or an error. */
export type LexState = "statements" | "braces" | "duration" | "done";

/** Scans a query into tokens, one at a time. */
export class Lexer {
  pos = 0;
  start = 0;
  /** Width of the last rune read, for `backup()`. */
  width = 0;
  parenDepth = 0;
  braceOpen = false;
  bracketOpen = false;
  gotColon = false;
  gotDuration = false;
  private state: LexState = "statements";
  private token: Token | null = null;

  constructor(readonly input: string) {}

  /** The next token, comments skipped. */
  nextToken(): Token {
    for (;;) {
      const t = this.scan();
      if (t.kind !== "COMMENT") return t;
    }
  }

  private scan(): Token {
    this.token = null;
    if (this.state === "done") this.emit("EOF");
    while (this.token === null) this.state = this.step(this.state);
    return this.token as Token;
  }

  private step(state: LexState): LexState {
    if (state === "braces") return lexInsideBraces(this);
    if (state === "duration") return lexDurationExpr(this);
    return lexStatements(this);
  }

  /** Reads one rune (a lone surrogate reads as U+FFFD, as invalid UTF-8 does in Go). */
  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF_RUNE;
    }
    const c = this.input.charCodeAt(this.pos);
    if (c < 0xd800 || c > 0xdfff) {
      this.width = 1;
      this.pos++;
      return c;
    }
    const cp = this.input.codePointAt(this.pos)!;
    this.width = cp > 0xffff ? 2 : 1;
    this.pos += this.width;
    return cp > 0xffff ? cp : 0xfffd;
  }

  peek(): number {
    const c = this.next();
    this.backup();
    return c;
  }

  backup(): void {
    this.pos -= this.width;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: RuneSet): boolean {
    if (valid(this.next())) return true;
    this.backup();
    return false;
  }

  is(valid: RuneSet): boolean {
    return valid(this.peek());
  }

  acceptRun(valid: RuneSet): void {
    while (valid(this.next()));
    this.backup();
  }

  emit(kind: TokenKind): void {
    const text = this.input.slice(this.start, this.pos);
    this.token = { kind, start: this.start, end: this.pos, text };
    this.start = this.pos;
  }

  /** Ends the scan with an error token at the start of the current token. */
  errorf(message: string): LexState {
    this.token = { kind: "ERROR", start: this.start, end: this.input.length, text: message };
    return "done";
  }
}
