/**
 * The LogQL engine's entry point: `runLogQuery(source, query, opts)` parses a query, reads
 * what it needs through the LogQueryable seam and answers in the shapes of Loki's HTTP API.
 *
 * Structured metadata (a record's `fields`) is visible to every pipeline stage (label
 * filters, templates), but it is not part of a result's labels: log results carry it as the
 * third element of each value, and metric series are keyed by stream and parsed labels only
 * (so counting can be pushed down to storage per stream). Loki merges it into the labels.
 */
import {
  LogQLError,
  type LogQueryOptions,
  type LogQueryResult,
  type LogQueryStats,
} from "../result.ts";
import type { LogQueryable } from "../source.ts";
import type { Expr } from "./ast.ts";
import { checkAbort, type EvalContext } from "./context.ts";
import { evalLogQuery } from "./log_query.ts";
import { evalMetric } from "./metric.ts";
import { toMatrix, toVector } from "./output.ts";
import { parseLogQL } from "./parser.ts";

/** Parses a query without running it (re-exported for the API). */
export { parseLogQL } from "./parser.ts";

/** Steps of a range query: start, start + step, … up to end. */
function stepGrid(opts: LogQueryOptions): { stepNs: bigint; steps: number } {
  if (opts.instant || opts.startNs === opts.endNs) return { stepNs: 0n, steps: 1 };
  if (!(opts.stepMs > 0))
    throw new LogQLError("bad_data", "Cannot run query: step must be positive");
  const stepNs = BigInt(Math.round(opts.stepMs * 1e6));
  if (opts.endNs < opts.startNs)
    throw new LogQLError("bad_data", "Cannot run query: end is before start");
  return { stepNs, steps: Number((opts.endNs - opts.startNs) / stepNs) + 1 };
}

/** The value order an instant query asks for with an outer `sort`/`sort_desc`. */
function valueOrder(e: Expr): "asc" | "desc" | undefined {
  if (e.kind !== "vector_agg") return undefined;
  if (e.op === "sort") return "asc";
  return e.op === "sort_desc" ? "desc" : undefined;
}

/** Runs a LogQL query; fails with a LogQLError (`bad_data` for invalid queries). */
export async function runLogQuery(
  source: LogQueryable,
  query: string,
  opts: LogQueryOptions,
): Promise<{ result: LogQueryResult; stats: LogQueryStats }> {
  const started = performance.now();
  const stats: LogQueryStats = { linesScanned: 0, bytesScanned: 0, execTimeMs: 0 };
  const expr = parseLogQL(query);
  const grid = expr.kind === "log" ? { stepNs: 0n, steps: 1 } : stepGrid(opts);
  checkAbort(opts);
  const querier = await source.querier();
  try {
    const ctx: EvalContext = {
      querier,
      startNs: opts.instant ? opts.endNs : opts.startNs,
      ...grid,
      stats,
      signal: opts.signal,
      maxSamples: opts.maxSamples ?? Number.POSITIVE_INFINITY,
    };
    let result: LogQueryResult;
    if (expr.kind === "log") {
      result = { resultType: "streams", result: await evalLogQuery(ctx, expr, opts) };
    } else {
      const value = await evalMetric(ctx, expr);
      result =
        grid.stepNs === 0n && opts.instant
          ? { resultType: "vector", result: toVector(ctx, value, valueOrder(expr)) }
          : { resultType: "matrix", result: toMatrix(ctx, value) };
    }
    stats.execTimeMs = performance.now() - started;
    return { result, stats };
  } finally {
    querier.close();
  }
}
