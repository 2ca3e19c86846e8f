/**
 * What every node's evaluation sees: the step grid it evaluates on (a subquery evaluates its
 * inner expression on its own grid), the query's fixed times, the pre-read series, and the
 * query-wide annotations and limits.
 */

import type { Labels } from "../../../shared/model/labels.ts";
import type { VectorSelector } from "../parser/ast.ts";
import type { Annotations } from "./annotations.ts";
import type { SelectorData } from "./data.ts";
import type { FastPaths } from "./fast_paths.ts";
import { dropMetricName } from "./labelset.ts";
import type { Limits } from "./limits.ts";
import type { RollupInput } from "./rollup/fetch.ts";
import type { QueryTimes } from "./timing.ts";
import type { Grid } from "./types.ts";

/** The evaluation context of one node. */
export interface EvalContext {
  readonly grid: Grid;
  readonly times: QueryTimes;
  /** How far back an instant selector looks for a sample. */
  readonly lookback: number;
  readonly data: SelectorData;
  readonly annotations: Annotations;
  readonly limits: Limits;
  /**
   * Prometheus's `--enable-feature=promql-delayed-name-removal`: functions and operators mark
   * `__name__` for removal at the end of the query instead of removing it at once.
   */
  readonly delayedNameRemoval: boolean;
  /** True for a range query (some functions warn that they are ineffective there). */
  readonly rangeQuery: boolean;
  /** The speed-only paths; null in the reference mode (fast_paths.ts). */
  readonly fast: FastPaths | null;
  /** The range calls answered from rollups, by their selector (rollup/plan.ts). */
  readonly rollups?: ReadonlyMap<VectorSelector, RollupInput>;
}

/** The same context on another grid. */
export function onGrid(ctx: EvalContext, grid: Grid): EvalContext {
  return { ...ctx, grid };
}

/**
 * Applies a "this operation drops the metric name" rule: marks the series when names are
 * removed late, removes the name now otherwise.
 */
export function dropName(ctx: EvalContext, labels: Labels): { labels: Labels; dropName: boolean } {
  if (ctx.delayedNameRemoval) return { labels, dropName: true };
  return { labels: dropMetricName(labels), dropName: false };
}
