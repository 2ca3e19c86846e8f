/**
 * How deeply a query may nest. The parser, the type checker, the planner, the evaluator and
 * `format_query`'s printer all recurse into operands, and a JavaScript stack holds a few
 * thousand levels where Go's grows: so the depth is bounded here, before any of them runs,
 * with a parse error instead of a stack overflow. A chain of left-associative operators
 * (`a + b + … + z`, `x or y or …`) is walked without recursion everywhere and nests nothing,
 * so chains of any length pass; parentheses, calls, aggregations, signs, right operands and
 * subqueries each count a level.
 */
import type { Expr } from "./ast.ts";
import type { ParserState } from "./state.ts";

/** The deepest nesting accepted: far beyond what people and dashboards write. */
export const MAX_NESTING = 256;

/** The reason a query nested deeper than MAX_NESTING is refused with. */
export const TOO_DEEP = `expression nesting too deep (limit ${MAX_NESTING})`;

/**
 * Records TOO_DEEP at the first node found more than MAX_NESTING levels below the root, a
 * left operand of a binary operator counting as the operator's own level. Iterative: it runs
 * on trees nothing else may recurse into yet (a subquery of a subquery of … nests without the
 * parser recursing, so the parser's own bound does not cover it).
 */
export function checkNesting(p: ParserState, root: Expr): void {
  const nodes: Expr[] = [root];
  const depths: number[] = [0];
  const push = (child: Expr, d: number) => {
    nodes.push(child);
    depths.push(d);
  };
  while (nodes.length > 0) {
    const e = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_NESTING) {
      p.report(e.span, TOO_DEEP);
      return;
    }
    switch (e.type) {
      case "BinaryExpr":
        push(e.lhs, depth);
        push(e.rhs, depth + 1);
        break;
      case "Call":
        for (const a of e.args) push(a, depth + 1);
        break;
      case "AggregateExpr":
        if (e.param !== null) push(e.param, depth + 1);
        push(e.expr, depth + 1);
        break;
      case "SubqueryExpr":
      case "UnaryExpr":
      case "ParenExpr":
        push(e.expr, depth + 1);
        break;
      // Selectors and literals are leaves: a range selector's vector is read, not walked.
    }
  }
}
