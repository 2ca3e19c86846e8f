/**
 * The planner: walks the syntax tree before anything is read and works out, for every
 * selector, the time range its evaluation will look at. Offsets, `@`, lookback, range
 * windows and subquery grids are taken into account with the same arithmetic the evaluator
 * uses (timing.ts), so each selector is read once and exactly as far as needed.
 */
import type { TimeRange } from "../../storage/storage.ts";
import type { BinaryExpr, Expr, VectorSelector } from "../parser/ast.ts";
import { infoSelector, readTime } from "./info.ts";
import type { Limits } from "./limits.ts";
import { atTime, type QueryTimes, referenceSpan, subqueryGrid } from "./timing.ts";
import type { Grid } from "./types.ts";

/**
 * The range each selector of `expr` needs when evaluated on `grid`. Refuses, before anything
 * is read, a subquery whose grid alone holds more steps than the sample limit allows.
 */
export function planRanges(
  expr: Expr,
  grid: Grid,
  times: QueryTimes,
  lookback: number,
  limits: Pick<Limits, "admit">,
): Map<VectorSelector, TimeRange> {
  const ranges = new Map<VectorSelector, TimeRange>();
  /** `sel` reads `window` back from `(pinned or step time) - offset` at the steps of `g`. */
  const need = (
    sel: VectorSelector,
    g: Grid,
    window: number,
    read: { pinned: number | null; offset: number } = {
      pinned: atTime(sel.at, times),
      offset: sel.offset,
    },
  ) => {
    const { first, last } = referenceSpan(g, read.offset, read.pinned);
    // Windows are left-open: a sample exactly `window` before the reference is out.
    const range = { start: first - window + 1, end: last };
    const prev = ranges.get(sel);
    ranges.set(
      sel,
      prev
        ? { start: Math.min(prev.start, range.start), end: Math.max(prev.end, range.end) }
        : range,
    );
  };
  const walk = (e: Expr, g: Grid): void => {
    if (e.type === "BinaryExpr") {
      // Down a chain's left operands in a loop: `a + b + … + z` may be as long as it likes.
      const spine = leftSpine(e);
      walk(spine.bottom, g);
      for (let i = spine.nodes.length - 1; i >= 0; i--) walk(spine.nodes[i].rhs, g);
    } else if (e.type === "VectorSelector") {
      need(e, g, lookback);
    } else if (e.type === "MatrixSelector") {
      need(e.vector, g, e.range);
    } else if (e.type === "SubqueryExpr") {
      const inner = subqueryGrid(g, e, times);
      if (inner !== null) {
        limits.admit(inner.n);
        walk(e.expr, inner);
      }
    } else if (e.type === "Call" && e.func === "info") {
      // The info series are read where the first argument's samples are, not the second's.
      walk(e.args[0], g);
      need(infoSelector(e), g, lookback, readTime(e.args[0], times));
    } else {
      for (const child of children(e)) walk(child, g);
    }
  };
  walk(expr, grid);
  return ranges;
}

/**
 * A binary expression and the binary expressions down its left operands (`nodes`, the top
 * first), and the first left operand that is not one (`bottom`).
 */
export function leftSpine(top: BinaryExpr): { nodes: BinaryExpr[]; bottom: Expr } {
  const nodes: BinaryExpr[] = [];
  let bottom: Expr = top;
  while (bottom.type === "BinaryExpr") {
    nodes.push(bottom);
    bottom = bottom.lhs;
  }
  return { nodes, bottom };
}

/** The selectors of `e`, `x[5m]`'s included, found without recursion. */
export function selectorsIn(e: Expr): VectorSelector[] {
  const out: VectorSelector[] = [];
  const stack = [e];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "VectorSelector") out.push(node);
    else stack.push(...children(node));
  }
  return out;
}

/** The operands of a node that is not a selector or subquery. */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case "Call":
      return [...e.args];
    case "AggregateExpr":
      return e.param === null ? [e.expr] : [e.param, e.expr];
    case "BinaryExpr":
      return [e.lhs, e.rhs];
    case "UnaryExpr":
    case "ParenExpr":
    case "SubqueryExpr":
      return [e.expr];
    case "MatrixSelector":
      return [e.vector];
    default:
      return [];
  }
}
