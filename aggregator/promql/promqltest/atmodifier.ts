/**
 * promqltest re-runs every instant eval with `@ <eval time>` pinned on each selector and
 * subquery, at other evaluation times, to check that the result is step invariant. This file
 * builds those variants from the parser's AST (the parser is passed in, so this folder does
 * not depend on it being present).
 */
import type { Expr, VectorSelector } from "../parser/ast.ts";

/** The parser functions the rewrite needs: `parseExpr` and a one-line printer like Prometheus's String(). */
export interface QueryParser {
  parseExpr(text: string): Expr;
  formatExpr(expr: Expr): string;
}

/** One re-run of an instant query. */
export interface InstantCase {
  readonly query: string;
  readonly timeMs: number;
}

/** Functions whose result changes with evaluation time even over pinned inputs (Prometheus's list). */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  "days_in_month",
  "day_of_month",
  "day_of_week",
  "day_of_year",
  "hour",
  "minute",
  "month",
  "year",
  "predict_linear",
  "time",
  "timestamp",
  // These answer with the query's own range, which the pinned re-runs move; Prometheus's
  // scripts evaluating them at one time only pass when they are not re-run.
  "start",
  "end",
  "range",
  "step",
]);

/**
 * The `@`-pinned variants of an instant query evaluated at `evalMs`: the pinned query at
 * -10t, 0, t/5, t and 10t (or -1s, 0, 1s when t is 0); none when the query calls a function
 * whose result depends on the evaluation time. Throws what `parseExpr` throws.
 */
export function atModifierVariants(
  query: string,
  evalMs: number,
  parser: QueryParser,
): InstantCase[] {
  const state = { unsafe: false };
  const pinned = pin(parser.parseExpr(query), evalMs, state);
  if (state.unsafe) return [];
  const text = parser.formatExpr(pinned);
  const times =
    evalMs === 0
      ? [-1000, 0, 1000]
      : [-10 * evalMs, 0, Math.trunc(evalMs / 5), evalMs, 10 * evalMs];
  return times.map((timeMs) => ({ query: text, timeMs }));
}

/**
 * Copies `e` with `@ ms` on every selector and subquery that has no `@ <timestamp>` yet. A
 * subquery's inside is left alone (it is pinned as a whole), as Prometheus's rewrite does.
 */
function pin(e: Expr, ms: number, state: { unsafe: boolean }): Expr {
  const at = { kind: "timestamp" as const, ms };
  switch (e.type) {
    case "VectorSelector":
      return e.at?.kind === "timestamp" ? e : { ...e, at };
    case "MatrixSelector":
      return { ...e, vector: pin(e.vector, ms, state) as VectorSelector };
    case "SubqueryExpr":
      return e.at?.kind === "timestamp" ? e : { ...e, at };
    case "Call":
      if (AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func)) state.unsafe = true;
      return { ...e, args: e.args.map((a) => pin(a, ms, state)) };
    case "AggregateExpr":
      return {
        ...e,
        expr: pin(e.expr, ms, state),
        param: e.param === null ? null : pin(e.param, ms, state),
      };
    case "BinaryExpr":
      return { ...e, lhs: pin(e.lhs, ms, state), rhs: pin(e.rhs, ms, state) };
    case "UnaryExpr":
    case "ParenExpr":
      return { ...e, expr: pin(e.expr, ms, state) };
    default:
      return e;
  }
}

/**
 * The real parser when aggregator/promql/parser provides it: `parseExpr` with the options of
 * Prometheus's test parser, and the one-line printer (`exprToString`, else `formatExpr`).
 * Imported by path so that this folder type-checks while the parser is being written.
 */
export async function importParser(): Promise<QueryParser | undefined> {
  const path = new URL("../parser/parse.ts", import.meta.url).pathname;
  if (!(await Bun.file(path).exists())) return undefined;
  const module = await import(path);
  const print = module.exprToString ?? module.formatExpr;
  if (typeof module.parseExpr !== "function" || typeof print !== "function") return undefined;
  const options = { experimentalFunctions: true, durationExpressions: true };
  return {
    parseExpr: (text: string) => module.parseExpr(text, options),
    formatExpr: (expr: Expr) => print(expr),
  };
}
