/**
 * Which range calls of a query read rollups instead of raw samples. At `auto` resolution only
 * where the answer is bit for bit the raw one and rollups were measured worth it: a function of
 * `spans` (DEFAULT_ROLLUP_SPANS) over a plain range selector (no `@`, outside subqueries), whose
 * every window (t − r, t] is a union of whole rollup windows — r and every t − offset a
 * multiple of the rollup step — and whose read spans at least the function's span.
 * At `1m`/`5m` the user accepts answers that may differ: any r of at least the step, windows
 * moved back to the step's multiples, approximate functions too (docs/promql.md, "Rollups").
 */
import { ROLLUP_TIERS } from "../../../storage/catalog/entry.ts";
import type { Call, Expr, MatrixSelector, VectorSelector } from "../../parser/ast.ts";
import { children } from "../plan.ts";
import { rangeArgument } from "../range_calls.ts";
import type { Grid } from "../types.ts";
import { APPROXIMATE, ROW_KERNELS } from "./kernels.ts";

/** A query's choice of samples: `auto` (rollups where exact), `raw`, or one rollup step. */
export type Resolution = "auto" | "raw" | "1m" | "5m" | "1h";

/** The resolutions a query may ask for. */
export const RESOLUTIONS: readonly Resolution[] = ["auto", "raw", "1m", "5m", "1h"];

/** How one range call reads rollups. */
export interface RollupPlan {
  readonly func: string;
  readonly matrix: MatrixSelector;
  /** The rollup step, ms. */
  readonly stepMs: number;
  /** True when answers must equal the raw ones (auto): inexact series are read raw. */
  readonly exact: boolean;
  /**
   * Finer steps the windows are aligned to as well, coarsest first: at `auto`, read when
   * `stepMs`'s rollups cover none of the range (1 h rollups exist only for whole days whose
   * hours are all merged).
   */
  readonly fallbacks: readonly number[];
}

const HOUR_MS = 3_600_000;

/** The rollup steps, coarsest first. */
const STEPS_MS = Object.values(ROLLUP_TIERS).map((t) => t.stepMs);

/**
 * Per function, the shortest read (ms) that `auto` serves from rollups, or that and the finest
 * rollup step it reads (`minStepMs`); others never.
 */
export type RollupSpans = Readonly<
  Record<string, number | { readonly minSpanMs: number; readonly minStepMs: number }>
>;

/**
 * What `auto` reads from rollups by default: the `*_over_time` folds whose row kernels are
 * exact, over reads of 48 h or more, where rows are 5–20× fewer than samples (shorter reads
 * stay in the query cache's raw samples; docs/benchmarks.md, "Rollups"). `rate`/`increase` are
 * exact too on aligned windows; from 1 m and 5 m rows the raw fast path (sliding sums over
 * cached parts) answers them at least as fast, so they read only the 1 h rollups, where a month
 * is 1/240 of a 15 s scrape's samples (docs/benchmarks.md, "1 h rollups").
 */
export const DEFAULT_ROLLUP_SPANS: RollupSpans = {
  max_over_time: 48 * HOUR_MS,
  min_over_time: 48 * HOUR_MS,
  sum_over_time: 48 * HOUR_MS,
  count_over_time: 48 * HOUR_MS,
  last_over_time: 48 * HOUR_MS,
  rate: { minSpanMs: 48 * HOUR_MS, minStepMs: HOUR_MS },
  increase: { minSpanMs: 48 * HOUR_MS, minStepMs: HOUR_MS },
};

/** Every function with an exact row kernel at span 0: what the differential tests hold. */
export const ALL_EXACT_SPANS: RollupSpans = Object.fromEntries(
  Object.keys(ROW_KERNELS)
    .filter((f) => !APPROXIMATE.has(f))
    .map((f) => [f, 0]),
);

/** The range calls of `expr` on the query grid that read rollups, by selector. */
export function planRollups(
  expr: Expr,
  grid: Grid,
  resolution: Resolution,
  spans: RollupSpans,
): Map<VectorSelector, RollupPlan> {
  const out = new Map<VectorSelector, RollupPlan>();
  if (resolution === "raw") return out;
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    // Subqueries evaluate on grids of their own; info() reads at other times.
    if (e.type === "SubqueryExpr" || (e.type === "Call" && e.func === "info")) continue;
    const plan = e.type === "Call" ? planCall(e, grid, resolution, spans) : null;
    if (plan !== null) out.set(plan.matrix.vector, plan);
    else stack.push(...children(e));
  }
  return out;
}

function planCall(e: Call, grid: Grid, resolution: Exclude<Resolution, "raw">, spans: RollupSpans) {
  const found = rangeArgument(e);
  if (found === null || found.arg.type !== "MatrixSelector") return null;
  const matrix = found.arg;
  if (ROW_KERNELS[e.func] === undefined || matrix.vector.at !== null) return null;
  const span = (grid.n - 1) * grid.step + matrix.range;
  if (resolution === "auto") {
    const rule = Object.hasOwn(spans, e.func) ? spans[e.func] : undefined;
    if (rule === undefined || APPROXIMATE.has(e.func)) return null;
    const { minSpanMs, minStepMs } =
      typeof rule === "number" ? { minSpanMs: rule, minStepMs: 0 } : rule;
    if (span < minSpanMs) return null;
    // The coarsest step that fits: fewer rows to read.
    const steps = STEPS_MS.filter((step) => step >= minStepMs && aligned(grid, matrix, step));
    if (steps.length === 0) return null;
    return { func: e.func, matrix, stepMs: steps[0], exact: true, fallbacks: steps.slice(1) };
  }
  const { stepMs } = ROLLUP_TIERS[resolution];
  return matrix.range >= stepMs && matrix.range % stepMs === 0
    ? { func: e.func, matrix, stepMs, exact: false, fallbacks: [] }
    : null;
}

function aligned(grid: Grid, m: MatrixSelector, step: number): boolean {
  const multiple = (x: number) => ((x % step) + step) % step === 0;
  return (
    multiple(m.range) &&
    multiple(grid.start - m.vector.offset) &&
    (grid.n === 1 || multiple(grid.step))
  );
}
