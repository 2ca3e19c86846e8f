/**
 * The LogQL parser's entry point: query text in, syntax tree out, or a LogQLError (`bad_data`)
 * whose message is Loki's: `parse error at line 1, col 9: syntax error: unexpected …`, or
 * `parse error : …` for checks without a position.
 */
import { LogQLError } from "../result.ts";
import type { Expr } from "./ast.ts";
import { LogQLSyntaxError } from "./lexer.ts";
import { parseExpr } from "./parse_expr.ts";
import { TokenStream } from "./token_stream.ts";
import { checkSelectors } from "./validate.ts";

/** Loki refuses queries of this many bytes or more. */
const MAX_INPUT_SIZE = 5120;

/** Loki's text of a parse error. */
export function parseErrorMessage(e: LogQLSyntaxError): string {
  if (e.line === 0 && e.col === 0) return `parse error : ${e.reason}`;
  return `parse error at line ${e.line}, col ${e.col}: ${e.reason}`;
}

/** Parses a LogQL query; throws a LogQLError of type `bad_data` when it is not valid. */
export function parseLogQL(query: string): Expr {
  try {
    const size = Buffer.byteLength(query);
    if (size >= MAX_INPUT_SIZE) {
      throw new LogQLSyntaxError(`input size too long (${size} > ${MAX_INPUT_SIZE})`, 0, 0);
    }
    const ts = new TokenStream(query);
    const expr = parseExpr(ts);
    if (ts.kind !== "$end") ts.unexpected();
    checkSelectors(expr);
    return expr;
  } catch (error) {
    if (error instanceof LogQLSyntaxError)
      throw new LogQLError("bad_data", parseErrorMessage(error));
    throw error;
  }
}
