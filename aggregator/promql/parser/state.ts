/**
 * What the parser carries while it reads a query: the lexer with one token of lookahead, the
 * problems found so far, and the error context ("in aggregation", "in offset") that
 * Prometheus's yacc grammar would name when a token cannot be used.
 *
 * Prometheus collects problems and reports the first. Problems that do not stop it (an
 * unknown function name, a bad regex) are recorded and parsing goes on; a token that fits
 * nowhere ends parsing. Either way the first problem recorded is the one reported.
 */
import type { Span } from "./ast.ts";
import type { ParseIssue } from "./errors.ts";
import { Lexer } from "./lexer.ts";
import { MAX_NESTING, TOO_DEEP } from "./nesting.ts";
import { describeToken, type Token, type TokenKind } from "./tokens.ts";

/** How a query is parsed. */
export interface ParseOptions {
  /**
   * Accept experimental functions and aggregations (limitk, limit_ratio, mad_over_time,
   * sort_by_label, …), as Prometheus does with `promql-experimental-functions`. Default true.
   */
  readonly experimentalFunctions?: boolean;
  /**
   * Accept constant duration arithmetic such as `[5m+1m]` or `offset (2*1h)`, as Prometheus
   * does with `promql-duration-expr`. Default false.
   */
  readonly durationExpressions?: boolean;
}

/** Thrown to unwind the parser once a problem ends parsing; never escapes `parseExpr`. */
export class ParseAbort extends Error {}

/** The parser's position and findings. */
export class ParserState {
  readonly lexer: Lexer;
  readonly issues: ParseIssue[] = [];
  readonly experimentalFunctions: boolean;
  readonly durationExpressions: boolean;
  private lookahead: Token | null = null;
  /** Levels of expression being parsed, the whole query's being 0. */
  private depth = -1;
  /** Innermost last: [context, expected] for "unexpected X in <context>, expected <expected>". */
  private readonly contexts: [string, string][] = [];

  constructor(
    readonly query: string,
    options: ParseOptions,
  ) {
    this.lexer = new Lexer(query);
    this.experimentalFunctions = options.experimentalFunctions ?? true;
    this.durationExpressions = options.durationExpressions ?? false;
  }

  /** The next token, not consumed. A lexing error ends parsing here, as in Prometheus. */
  peek(): Token {
    if (this.lookahead === null) {
      const t = this.lexer.nextToken();
      if (t.kind === "ERROR") this.fail(t, t.text);
      this.lookahead = t;
    }
    return this.lookahead;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const t = this.peek();
    this.lookahead = null;
    return t;
  }

  /** Whether the next token is of this kind. */
  at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }

  /** Records a problem and goes on parsing. */
  report(span: Span, reason: string): void {
    this.issues.push({ span: { start: span.start, end: span.end }, reason });
  }

  /** Records a problem and stops parsing. */
  fail(span: Span, reason: string): never {
    this.report(span, reason);
    throw new ParseAbort();
  }

  /** Names the next token as out of place, in the given or innermost context, and stops. */
  unexpected(context?: string, expected?: string): never {
    const [ctx, exp] =
      context === undefined ? (this.contexts.at(-1) ?? ["", ""]) : [context, expected ?? ""];
    const t = this.peek();
    let reason = `unexpected ${describeToken(t)}`;
    if (ctx !== "") reason += ` in ${ctx}`;
    if (exp !== "") reason += `, expected ${exp}`;
    return this.fail(t, reason);
  }

  /**
   * Starts parsing an expression one level deeper; past MAX_NESTING levels parsing stops
   * here, before the parser's own recursion can exhaust the stack. Paired with `leave()`.
   */
  enter(): void {
    if (++this.depth > MAX_NESTING) this.fail(this.peek(), TOO_DEEP);
  }

  /** Ends the expression `enter()` started. */
  leave(): void {
    this.depth--;
  }

  /** Runs `body` with an error context that its unexpected tokens are reported in. */
  within<T>(context: string, expected: string, body: () => T): T {
    this.contexts.push([context, expected]);
    try {
      return body();
    } finally {
      this.contexts.pop();
    }
  }
}
