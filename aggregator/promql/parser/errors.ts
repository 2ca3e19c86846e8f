/**
 * The parser's one error type. Its message is Prometheus's, byte for byte:
 * `<line>:<column>: parse error: <reason>`, the column counting UTF-8 bytes from 1.
 */
import type { Span } from "./ast.ts";
import { utf8Offset } from "./go_format.ts";

/** One problem found in a query: where, and Prometheus's wording of what. */
export interface ParseIssue {
  readonly span: Span;
  readonly reason: string;
}

/** A query that is not valid PromQL; callers map it to the API's `bad_data`. */
export class ParseError extends SyntaxError {
  override readonly name = "ParseError";
  /** Where the problem is, in UTF-16 code units of the query. */
  readonly span: Span;
  /** The message without the position prefix (`unexpected end of input`). */
  readonly reason: string;

  constructor(query: string, issue: ParseIssue) {
    super(`${positionOf(query, issue.span.start)}: parse error: ${issue.reason}`);
    this.span = issue.span;
    this.reason = issue.reason;
  }
}

/** Prometheus's `StartPosInput`: `line:column` of a position, lines and columns from 1. */
export function positionOf(query: string, start: number): string {
  if (query === "") return "unknown position";
  if (start < 0 || start > query.length) return "invalid position";
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < start; i++) {
    if (query.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = utf8Offset(query, start) - utf8Offset(query, lineStart) + 1;
  return `${line}:${column}`;
}
