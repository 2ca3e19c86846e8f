/**
 * The parser's view of the tokens: a short look-ahead buffer over the lexer and Loki's
 * wording of syntax errors (`syntax error: unexpected X, expecting Y or Z`), reported at the
 * token where the parser stopped, as goyacc reports them.
 */
import { Lexer, LogQLSyntaxError } from "./lexer.ts";
import type { Token } from "./tokens.ts";

/** Tokens with look-ahead. */
export class TokenStream {
  private readonly lexer: Lexer;
  private readonly buffer: Token[] = [];

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  /** The token `n` places ahead (0: the current one). */
  peek(n = 0): Token {
    while (this.buffer.length <= n) this.buffer.push(this.lexer.next());
    return this.buffer[n];
  }

  /** The kind of the current token. */
  get kind(): string {
    return this.peek().kind;
  }

  /** Consumes the current token. */
  next(): Token {
    const t = this.peek();
    this.buffer.shift();
    return t;
  }

  /** Consumes a token of `kind`, or fails with yacc's message listing `expecting`. */
  expect(kind: string, expecting: readonly string[] = [kind]): Token {
    if (this.kind !== kind) this.unexpected(expecting);
    return this.next();
  }

  /** Consumes the current token when it is of `kind`. */
  accept(kind: string): boolean {
    if (this.kind !== kind) return false;
    this.next();
    return true;
  }

  /** Fails at the current token. */
  unexpected(expecting: readonly string[] = []): never {
    const t = this.peek();
    let reason = `syntax error: unexpected ${t.kind}`;
    if (expecting.length > 0) reason += `, expecting ${expecting.join(" or ")}`;
    throw new LogQLSyntaxError(reason, t.line, t.col);
  }
}

/** Fails without a position, as Loki's parse-time checks do (`parse error : …`). */
export function failParse(reason: string): never {
  throw new LogQLSyntaxError(reason, 0, 0);
}
