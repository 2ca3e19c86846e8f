/** PromQL formatting, whatever transport asked: the expression as Prometheus prints it. */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { formatExpr } from "../../promql/parser/format.ts";
import { parseExpr } from "../../promql/parser/parse.ts";
import { param } from "./errors.ts";

/**
 * The formatted expression. Text too long to write (a chain of thousands of operators indents
 * each one deeper) is refused as an execution error.
 */
export function formatQuery(query: string): string {
  const expr = param("query", () => parseExpr(query));
  try {
    return formatExpr(expr);
  } catch (err) {
    if (err instanceof RangeError) throw new OutpostError("execution", err.message);
    throw err;
  }
}
