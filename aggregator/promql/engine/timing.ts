/**
 * The time arithmetic shared by the planner (what to read) and the evaluator (what to
 * compute): where `@` pins a selector, which reference times a grid asks of a selector, and
 * the step grid of a subquery, aligned to absolute multiples of its step as Prometheus does.
 */
import type { AtModifier, SubqueryExpr } from "../parser/ast.ts";
import { type Grid, gridEnd } from "./types.ts";

/** The query-wide times `@ start()` and `@ end()` refer to, and the default subquery step. */
export interface QueryTimes {
  readonly start: number;
  readonly end: number;
  /** The query's step, ms (0 for an instant query). */
  readonly step: number;
  /** Step of `[range:]` subqueries that give none (Prometheus's evaluation interval). */
  readonly defaultSubqueryStep: number;
}

/** The absolute time an `@` modifier pins to, or null without one. */
export function atTime(at: AtModifier | null, times: QueryTimes): number | null {
  if (at === null) return null;
  if (at.kind === "start") return times.start;
  if (at.kind === "end") return times.end;
  return at.ms;
}

/**
 * The reference time of step `i` for a node with `offset` and `@`: `(@ or step time) - offset`.
 * Returned as a function of the step so callers can hoist the constant case.
 */
export function referenceTimes(grid: Grid, offset: number, pinned: number | null): Float64Array {
  const refs = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) {
    refs[i] = (pinned ?? grid.start + i * grid.step) - offset;
  }
  return refs;
}

/** The first and last reference times a grid asks of a node. */
export function referenceSpan(
  grid: Grid,
  offset: number,
  pinned: number | null,
): { first: number; last: number } {
  if (pinned !== null) return { first: pinned - offset, last: pinned - offset };
  return { first: grid.start - offset, last: gridEnd(grid) - offset };
}

/**
 * The grid a subquery's inner expression is evaluated on: every multiple of its step in
 * `(first reference - range, last reference]`. Null when that span holds no step.
 */
export function subqueryGrid(outer: Grid, sq: SubqueryExpr, times: QueryTimes): Grid | null {
  const step = sq.step > 0 ? sq.step : times.defaultSubqueryStep;
  const { first, last } = referenceSpan(outer, sq.offset, atTime(sq.at, times));
  const low = first - sq.range;
  let start = step * Math.floor(low / step);
  if (start <= low) start += step;
  if (last < start) return null;
  const n = Math.floor((last - start) / step) + 1;
  return { start, step, n };
}
