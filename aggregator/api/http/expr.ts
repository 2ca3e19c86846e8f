/**
 * Endpoints that read a PromQL expression without evaluating it: `/api/v1/format_query`
 * (the expression pretty-printed as Prometheus prints it) and `/api/v1/query_exemplars`
 * (always empty: Outpost stores no exemplars, but clients such as Grafana ask).
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Expr } from "../../promql/parser/ast.ts";
import { parseExpr } from "../../promql/parser/parse.ts";
import { formatQuery as format } from "../query/format.ts";
import type { Form } from "./form.ts";
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam } from "./params.ts";
import { param, success } from "./respond.ts";

/** Answers `/api/v1/format_query`: `data` is the formatted expression (../query/format.ts). */
export function formatQuery(form: Form): Response {
  return success(JSON.stringify(format(form.get("query"))));
}

/**
 * Answers `/api/v1/query_exemplars` after checking its parameters as Prometheus does: no
 * content for an expression without selectors, else an empty list.
 */
export function queryExemplars(form: Form): Response {
  const start = param("start", () => parseTimeParam(form, "start", MIN_TIME_MS));
  const end = param("end", () => parseTimeParam(form, "end", MAX_TIME_MS));
  if (end < start) {
    throw new OutpostError("bad_data", "end timestamp must not be before start timestamp");
  }
  let expr: Expr;
  try {
    expr = parseExpr(form.get("query"));
  } catch (err) {
    throw new OutpostError("bad_data", (err as Error).message);
  }
  if (!hasSelector(expr)) return new Response(null, { status: 204 });
  return success("[]");
}

/** Whether an expression reads any series. */
function hasSelector(e: Expr): boolean {
  // Down a chain's left operands in a loop: `a + b + … + z` may be as long as it likes.
  while (e.type === "BinaryExpr") {
    if (hasSelector(e.rhs)) return true;
    e = e.lhs;
  }
  switch (e.type) {
    case "VectorSelector":
    case "MatrixSelector":
      return true;
    case "NumberLiteral":
    case "StringLiteral":
      return false;
    case "Call":
      return e.args.some(hasSelector);
    case "AggregateExpr":
      return hasSelector(e.expr) || (e.param !== null && hasSelector(e.param));
    case "SubqueryExpr":
    case "UnaryExpr":
    case "ParenExpr":
      return hasSelector(e.expr);
  }
}
