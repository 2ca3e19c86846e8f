/**
 * The PromQL engine: parses a query, plans which series it reads and over which ranges,
 * reads each selector once through one querier of the Queryable the query names (so one
 * engine serves several stores and tenants, as Prometheus's `QueryEngine` does), evaluates
 * the whole step grid node by node (an instant query is a one-step grid) and returns
 * Prometheus's result, annotations and statistics. Errors are PromQLError with Prometheus's
 * types and messages.
 */

import type { Queryable } from "../../storage/storage.ts";
import type { Expr } from "../parser/ast.ts";
import { parseExpr } from "../parser/parse.ts";
import { PromQLError, type QueryOutcome } from "../value.ts";
import { Admission, limitedTenants, type QueryOrigin, type TenantAdmission } from "./admission.ts";
import { typeOf } from "./eval.ts";
import { execute } from "./execute.ts";
import { fastPaths, type RateHelper } from "./fast/index.ts";
import type { FastPaths, FastTuning } from "./fast_paths.ts";
import { DEFAULT_ROLLUP_SPANS, type Resolution, type RollupSpans } from "./rollup/plan.ts";
import type { Grid } from "./types.ts";

/** Engine-wide settings. */
export interface EngineOptions {
  /** How far back an instant selector looks for a sample, ms (default 5 minutes). */
  lookbackDelta?: number;
  /** Most samples a query may hold in memory at once (default 50,000,000). */
  maxSamples?: number;
  /** Query timeout, ms (default 2 minutes). */
  timeoutMs?: number;
  /** Allow Prometheus's experimental functions (mad_over_time, sort_by_label, …). */
  enableExperimentalFunctions?: boolean;
  /** Prometheus's delayed `__name__` removal (off by default, as in Prometheus 3). */
  enableDelayedNameRemoval?: boolean;
  /** Step of subqueries written `[range:]`, ms (Prometheus's evaluation interval, default 1 minute). */
  defaultSubqueryStepMs?: number;
  /** A second thread for rate() over the query cache (fast/parallel_rate.ts); none by default. */
  rateHelper?: RateHelper;
  /**
   * Run every function through the reference code: no sliding windows, no helper thread, no
   * reading of stored slices in place (fast_paths.ts). Tests use it as the oracle.
   */
  reference?: boolean;
  /** Test-only thresholds of the fast paths (the conformance runner's helper mode). */
  fastTuning?: FastTuning;
  /** User queries evaluated at once; more wait in a queue (Prometheus's default: 20). */
  maxConcurrency?: number;
  /** Rule evaluations at once, in slots user queries never take (default 4). */
  ruleConcurrency?: number;
  /** Each tenant's query slots and samples limit, for user queries over one tenant's data. */
  tenants?: TenantAdmission;
  /**
   * At `auto` resolution, which range functions read rollups, from which read span on (ms);
   * default {@link DEFAULT_ROLLUP_SPANS}. `{}` never reads them at `auto`; `resolution=1m|5m|1h`
   * still asks for them. The differential tests set every exact function to 0.
   */
  rollupSpans?: RollupSpans;
}

export { RateHelper } from "./fast/index.ts";

/** Per-query settings. */
export interface QueryOptions {
  signal?: AbortSignal;
  /** Overrides the engine's lookback delta for this query, ms. */
  lookbackDelta?: number;
  /** Who asks: rule evaluation has slots of its own (admission.ts). Default: `user`. */
  origin?: QueryOrigin;
  /**
   * This query's own timeout, ms, when shorter than the engine's. The deadline is a clock
   * read (limits.ts), so synchronous work stops at it even when no timer can fire.
   */
  timeoutMs?: number;
  /**
   * The tenant whose limits apply (EngineOptions.tenants) when it is not the queryable's own
   * `tenant`. Rule evaluation (origin `rule`) is not held to them.
   */
  tenant?: string;
  /**
   * Where range calls may read 1 m / 5 m / 1 h rollups (docs/promql.md, "Rollups"): `auto`
   * (the default) only where the answer is the raw one bit for bit, `raw` never, `1m`/`5m`/`1h`
   * that step wherever it applies, answers that may differ accepted.
   */
  resolution?: Resolution;
}

/** Prometheus's cap on the points of one series in a range query. */
const MAX_POINTS = 11_000;

/** Evaluates PromQL over a Queryable. */
export class Engine {
  private readonly options: Required<
    Omit<
      EngineOptions,
      "rateHelper" | "reference" | "fastTuning" | "maxConcurrency" | "ruleConcurrency" | "tenants"
    >
  >;
  private readonly fast: FastPaths | null;
  private readonly admission: Admission;
  private readonly tenants: TenantAdmission | undefined;
  /**
   * Parsed expressions by query text: rule groups and dashboards send the same queries again
   * and again (a rule's parse was ~17% of a 1 s rule's cost). Evaluation never changes an
   * expression, so one tree serves every run; bounded, oldest dropped first.
   */
  private readonly parsed = new Map<string, Expr>();

  constructor(options: EngineOptions = {}) {
    this.options = {
      lookbackDelta: options.lookbackDelta ?? 300_000,
      maxSamples: options.maxSamples ?? 50_000_000,
      timeoutMs: options.timeoutMs ?? 120_000,
      enableExperimentalFunctions: options.enableExperimentalFunctions ?? false,
      enableDelayedNameRemoval: options.enableDelayedNameRemoval ?? false,
      defaultSubqueryStepMs: options.defaultSubqueryStepMs ?? 60_000,
      rollupSpans: options.rollupSpans ?? DEFAULT_ROLLUP_SPANS,
    };
    this.fast = options.reference ? null : fastPaths(options.rateHelper, options.fastTuning);
    this.admission = new Admission(options.maxConcurrency ?? 20, options.ruleConcurrency ?? 4);
    this.tenants = options.tenants;
  }

  /** Queries evaluating and waiting for a slot, per origin. */
  load(origin: QueryOrigin = "user"): { running: number; waiting: number } {
    return this.admission.load(origin);
  }

  /** Evaluates `query` over `queryable` at `timeMs`. */
  instantQuery(
    queryable: Queryable,
    query: string,
    timeMs: number,
    opts: QueryOptions = {},
  ): Promise<QueryOutcome> {
    return this.run(queryable, query, { start: timeMs, step: 1, n: 1 }, false, opts);
  }

  /** Evaluates `query` over `queryable` at every step from `startMs` to `endMs`. */
  rangeQuery(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts: QueryOptions = {},
  ): Promise<QueryOutcome> {
    if (endMs < startMs) return rejected("end timestamp must not be before start time");
    if (!(stepMs > 0)) {
      return rejected(
        "zero or negative query resolution step widths are not accepted. Try a positive integer",
      );
    }
    if ((endMs - startMs) / stepMs > MAX_POINTS) {
      return rejected(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
      );
    }
    const n = Math.floor((endMs - startMs) / stepMs) + 1;
    return this.run(queryable, query, { start: startMs, step: stepMs, n }, true, opts);
  }

  private async run(
    queryable: Queryable,
    query: string,
    grid: Grid,
    range: boolean,
    opts: QueryOptions,
  ): Promise<QueryOutcome> {
    const began = performance.now();
    const expr = this.parse(query, range);
    const lookback =
      opts.lookbackDelta && opts.lookbackDelta > 0
        ? opts.lookbackDelta
        : this.options.lookbackDelta;
    const timeoutMs =
      opts.timeoutMs !== undefined
        ? Math.min(opts.timeoutMs, this.options.timeoutMs)
        : this.options.timeoutMs;
    const deadline = began + timeoutMs;
    const evaluate = async (maxSamples: number) => {
      const release = await this.admission.enter(opts.origin ?? "user", deadline, opts.signal);
      try {
        return await execute(queryable, {
          query,
          expr,
          grid,
          range,
          lookback,
          began,
          deadline,
          maxSamples,
          signal: opts.signal,
          delayedNameRemoval: this.options.enableDelayedNameRemoval,
          defaultSubqueryStep: this.options.defaultSubqueryStepMs,
          fast: this.fast,
          resolution: opts.resolution ?? "auto",
          rollupSpans: this.options.rollupSpans,
        });
      } finally {
        release();
      }
    };
    const engineMax = this.options.maxSamples;
    const tenants = limitedTenants(opts.tenant !== undefined ? opts : queryable);
    if (tenants.length === 0 || !this.tenants || opts.origin === "rule") return evaluate(engineMax);
    // The tenants' queues come first: a tenant waiting for its own slots holds none of the engine's.
    return this.tenants.runAll(tenants, deadline, opts.signal, (max) =>
      evaluate(Math.min(max, engineMax)),
    );
  }

  private parse(query: string, range: boolean): Expr {
    let expr = this.parsed.get(query);
    if (expr === undefined) {
      try {
        expr = parseExpr(query, {
          experimentalFunctions: this.options.enableExperimentalFunctions,
        });
      } catch (error) {
        throw new PromQLError("bad_data", messageOf(error));
      }
      if (this.parsed.size >= PARSED_CACHE_SIZE) {
        this.parsed.delete(this.parsed.keys().next().value as string);
      }
      this.parsed.set(query, expr);
    }
    const type = typeOf(expr);
    if (range && type !== "vector" && type !== "scalar") {
      throw new PromQLError(
        "bad_data",
        `invalid expression type "${type === "matrix" ? "range vector" : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    return expr;
  }
}

/**
 * Query texts whose parsed trees the engine keeps. Rules send the same texts in a cycle, which
 * the oldest-first eviction serves only when all of them fit: 1,000 missed every time on a
 * rule file of 2,000 (bench/rules_eval.ts).
 */
const PARSED_CACHE_SIZE = 20_000;

function rejected(message: string): Promise<never> {
  return Promise.reject(new PromQLError("bad_data", message));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
