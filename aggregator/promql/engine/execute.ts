/**
 * Running one parsed query: plan the reads, read every selector through one querier (closed
 * at the end whatever happens), evaluate the root on the grid, shape the result, and time
 * each phase for the statistics.
 */

import { withBudget } from "../../../shared/runtime/budget.ts";
import type { Queryable } from "../../storage/storage.ts";
import type { Expr } from "../parser/ast.ts";
import { PromQLError, type QueryOutcome, type QueryResult } from "../value.ts";
import { Annotations } from "./annotations.ts";
import type { EvalContext } from "./context.ts";
import { fetchSelectors } from "./data.ts";
import { evaluate } from "./eval.ts";
import type { FastPaths } from "./fast_paths.ts";
import {
  isOutOfMemory,
  Limits,
  OutOfMemoryError,
  storageFailure,
  TOO_MANY_SAMPLES,
} from "./limits.ts";
import { planRanges } from "./plan.ts";
import { instantResult, rangeResult } from "./result.ts";
import { fetchRollups } from "./rollup/fetch.ts";
import { planRollups, type Resolution, type RollupSpans } from "./rollup/plan.ts";
import { type Grid, gridEnd } from "./types.ts";

/** Everything one execution needs besides the storage. */
export interface Execution {
  readonly query: string;
  readonly expr: Expr;
  readonly grid: Grid;
  readonly range: boolean;
  readonly lookback: number;
  /** `performance.now()` when the query arrived (parse time counts). */
  readonly began: number;
  /** `performance.now()` after which the query times out. */
  readonly deadline: number;
  readonly maxSamples: number;
  readonly signal: AbortSignal | undefined;
  readonly delayedNameRemoval: boolean;
  readonly defaultSubqueryStep: number;
  readonly fast: FastPaths | null;
  /** Where range calls may read rollups (rollup/plan.ts). */
  readonly resolution: Resolution;
  /** At `auto` resolution, which functions read rollups from which read span on. */
  readonly rollupSpans: RollupSpans;
}

/** Executes a parsed query. */
export async function execute(queryable: Queryable, x: Execution): Promise<QueryOutcome> {
  const limits = new Limits(x.deadline, x.maxSamples, x.signal);
  const parsed = performance.now();
  const times = {
    start: x.grid.start,
    end: gridEnd(x.grid),
    step: x.range ? x.grid.step : 0,
    defaultSubqueryStep: x.defaultSubqueryStep,
  };
  // A deadline passed or a client gone before the query starts: nothing is read.
  limits.check();
  const ranges = planRanges(x.expr, x.grid, times, x.lookback, limits);
  const querier = await queryable.querier();
  try {
    const planned = planRollups(x.expr, x.grid, x.resolution, x.rollupSpans);
    // The reads run under the query's limits as their budget (shared/runtime/budget.ts): a
    // costly regex in a selector stops at the deadline wherever in storage it is matched.
    // Evaluation checks its limits itself, and is left out: with it under the budget,
    // bench/rules_eval.ts took 183-213 ms of CPU a round against 145-151 ms (2026-11-27).
    const { rollups, data } = await withBudget(limits, async () => {
      const rollups = await fetchRollups(querier, planned, ranges);
      for (const sel of rollups.keys()) ranges.delete(sel);
      return { rollups, data: await fetchSelectors(querier, ranges) };
    }).catch((error: unknown) => {
      throw storageFailure(error);
    });
    const prepared = performance.now();
    const annotations = new Annotations(x.query);
    const ctx: EvalContext = {
      grid: x.grid,
      times,
      lookback: x.lookback,
      data,
      annotations,
      limits,
      delayedNameRemoval: x.delayedNameRemoval,
      rangeQuery: x.range,
      fast: x.fast,
      rollups,
    };
    const result: QueryResult = await guarded(async () => {
      const value = await evaluate(ctx, x.expr);
      return x.range ? rangeResult(value, x.grid) : instantResult(value, x.grid.start);
    });
    const done = performance.now();
    return {
      result,
      warnings: annotations.warnings,
      infos: annotations.infos,
      stats: {
        totalQueryableSamples: limits.total,
        peakSamples: limits.peak,
        timings: {
          parseSeconds: (parsed - x.began) / 1000,
          queryPrepareSeconds: (prepared - parsed) / 1000,
          evalSeconds: (done - prepared) / 1000,
          totalSeconds: (done - x.began) / 1000,
        },
      },
    };
  } finally {
    querier.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs evaluation code, reporting anything but a PromQLError as Prometheus reports a panic,
 * except a failed allocation: that query is too big for memory, as one past the sample limit.
 */
async function guarded<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof PromQLError) throw error;
    if (isOutOfMemory(error)) throw new OutOfMemoryError("evaluation", TOO_MANY_SAMPLES);
    throw new PromQLError("internal", `unexpected error: ${messageOf(error)}`);
  }
}
