/**
 * Instant and range queries, whatever transport asked: the range checked with Prometheus's
 * messages, the query run through the engine under its timeout and the caller's signal, the
 * answer cut to `limit`. The Prometheus API and the Connect API both call these.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Engine } from "../../promql/engine/engine.ts";
import { RESOLUTIONS, type Resolution } from "../../promql/engine/rollup/plan.ts";
import type { QueryOutcome, QueryResult, QueryStats } from "../../promql/value.ts";
import type { Queryable } from "../../storage/storage.ts";
import { Deadline } from "./deadline.ts";
import { invalidParam } from "./errors.ts";

/** Prometheus refuses range queries with more steps than this per series. */
const MAX_POINTS_PER_SERIES = 11_000;
const TRUNCATED = "results truncated due to limit";

/** What queries run on. */
export interface QueryDeps {
  readonly engine: Engine;
  /** The store the queries read. */
  readonly queryable: Queryable;
}

/** Settings every query takes; times and durations in ms. */
export interface QuerySettings {
  readonly query: string;
  /** Most series in the answer; 0 is no limit. */
  readonly limit: number;
  /** The query's timeout; the engine's default when undefined. */
  readonly timeoutMs?: number;
  /** How far back an instant selector looks; the engine's default when undefined or 0. */
  readonly lookbackDeltaMs?: number;
  /** Where range calls may read rollups (QueryOptions.resolution); `auto` when undefined. */
  readonly resolution?: Resolution;
  /** Aborted when the caller goes away. */
  readonly signal: AbortSignal;
}

/** What a query answered: its result cut to the limit, annotations and statistics. */
export interface QueryAnswer {
  readonly result: QueryResult;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
  readonly stats: QueryStats;
}

/** Runs an instant query at `timeMs`. */
export function instantQuery(
  deps: QueryDeps,
  q: QuerySettings & { readonly timeMs: number },
): Promise<QueryAnswer> {
  return run(q, (opts) => deps.engine.instantQuery(deps.queryable, q.query, q.timeMs, opts));
}

/** Runs a range query from `startMs` to `endMs` every `stepMs`. */
export function rangeQuery(
  deps: QueryDeps,
  q: QuerySettings & { readonly startMs: number; readonly endMs: number; readonly stepMs: number },
): Promise<QueryAnswer> {
  checkEnd(q.startMs, q.endMs);
  checkStep(q.startMs, q.endMs, q.stepMs);
  // The engine steps in whole milliseconds, as Prometheus's does.
  const stepMs = Math.max(1, Math.trunc(q.stepMs));
  return run(q, (opts) =>
    deps.engine.rangeQuery(deps.queryable, q.query, q.startMs, q.endMs, stepMs, opts),
  );
}

/** Refuses a range that ends before it starts (Prometheus checks it before reading `step`). */
export function checkEnd(startMs: number, endMs: number): void {
  if (endMs < startMs) {
    throw invalidParam("end", new Error("end timestamp must not be before start time"));
  }
}

/** Refuses a step that is not positive, or that makes too many points per series. */
export function checkStep(startMs: number, endMs: number, stepMs: number): void {
  if (!(stepMs > 0)) {
    throw invalidParam(
      "step",
      new Error(
        "zero or negative query resolution step widths are not accepted. Try a positive integer",
      ),
    );
  }
  if (Math.trunc((endMs - startMs) / stepMs) > MAX_POINTS_PER_SERIES) {
    throw new OutpostError(
      "bad_data",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    );
  }
}

type EngineCall = (opts: {
  signal: AbortSignal;
  lookbackDelta?: number;
  timeoutMs?: number;
  resolution?: Resolution;
}) => Promise<QueryOutcome>;

/** Reads a `resolution` parameter: `auto`, `raw`, `1m` or `5m`; undefined when empty. */
export function parseResolution(text: string): Resolution | undefined {
  if (text === "") return undefined;
  const found = RESOLUTIONS.find((r) => r === text);
  if (found === undefined) {
    throw new Error(
      `Cannot use resolution ${JSON.stringify(text)}: it is none of ${RESOLUTIONS.join(", ")}`,
    );
  }
  return found;
}

/** Runs a query under its deadline and cuts what it returned to the limit. */
async function run(q: QuerySettings, call: EngineCall): Promise<QueryAnswer> {
  const deadline = new Deadline(q.signal, q.timeoutMs);
  try {
    const outcome = await deadline.race(
      call({
        signal: deadline.signal,
        lookbackDelta: q.lookbackDeltaMs,
        timeoutMs: q.timeoutMs,
        resolution: q.resolution,
      }),
    );
    const { result, truncated } = truncate(outcome.result, q.limit);
    const warnings = truncated ? [...outcome.warnings, TRUNCATED] : outcome.warnings;
    return { result, warnings, infos: outcome.infos, stats: outcome.stats };
  } catch (err) {
    throw deadline.explain(err);
  } finally {
    deadline.dispose();
  }
}

/** Cuts a vector or matrix to `limit` series (0: no limit), as Prometheus's `truncateResults`. */
export function truncate(
  result: QueryResult,
  limit: number,
): { result: QueryResult; truncated: boolean } {
  if (limit <= 0) return { result, truncated: false };
  if (result.type === "vector" && result.samples.length > limit) {
    return { result: { type: "vector", samples: result.samples.slice(0, limit) }, truncated: true };
  }
  if (result.type === "matrix" && result.series.length > limit) {
    return { result: { type: "matrix", series: result.series.slice(0, limit) }, truncated: true };
  }
  return { result, truncated: false };
}
