/**
 * The query side of the tenant limits: each tenant's own query slots with a bounded queue
 * (Mimir's per-tenant queue: a full one answers 429 `too many outstanding requests`; a query
 * that waits past its deadline gets Prometheus's `query timed out in query queue`, 503), and its
 * samples-per-query limit handed to the engine, PromQL and LogQL alike. Every refusal is counted
 * in `outpost_tenant_rejected_queries_total{tenant,reason}`.
 */
import { OutpostError } from "../../shared/errors/errors.ts";
import type { RunLogQuery } from "../api/logs/run.ts";
import {
  limitedTenants,
  Pool,
  runUnderAll,
  type TenantAdmission,
  TOO_MANY_OUTSTANDING,
} from "../promql/engine/admission.ts";
import { TOO_MANY_SAMPLES } from "../promql/engine/limits.ts";
import type { Rejections } from "./rejections.ts";
import type { TenantLimitsTable } from "./tenants.ts";

/** Each tenant's query slots and samples limit. */
export class QueryLimiter implements TenantAdmission {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly table: TenantLimitsTable,
    private readonly rejections: Rejections,
  ) {}

  /** Waits for a slot of `tenant` (until `deadline`, a `performance.now()` time), then runs `work`. */
  async run<T>(
    tenant: string,
    deadline: number,
    signal: AbortSignal | undefined,
    work: (maxSamples: number) => Promise<T>,
  ): Promise<T> {
    const limits = this.table.of(tenant);
    const pool = this.poolOf(tenant);
    let release = noop;
    try {
      if (pool) release = await pool.enter(deadline, signal);
      return await work(limits.maxSamplesPerQuery);
    } catch (err) {
      const reason = reasonOf(err);
      if (reason) this.rejections.refuse("queries", tenant, reason, 1, describe(reason, limits));
      throw err;
    } finally {
      release();
    }
  }

  /**
   * `run` (the LogQL engine's entry point) held to the limits of the tenant its source belongs
   * to; the caller's signal (its deadline) ends a wait in the queue.
   */
  logRun(run: RunLogQuery): RunLogQuery {
    return (source, query, opts) => {
      const tenants = limitedTenants(source);
      if (tenants.length === 0) return run(source, query, opts);
      return runUnderAll(this, tenants, Number.POSITIVE_INFINITY, opts.signal, (maxSamples) =>
        run(source, query, { ...opts, maxSamples }),
      );
    };
  }

  /**
   * After a reload: the `changed` tenants get new query slots at their next query. Queries
   * already running or queued finish in the old ones, so for that while a tenant may run up to
   * its old and new concurrency together.
   */
  reset(changed: readonly string[]): void {
    for (const t of changed) this.pools.delete(t);
  }

  private poolOf(tenant: string): Pool | null {
    const l = this.table.of(tenant);
    if (l.maxQueryConcurrency === Number.POSITIVE_INFINITY) return null;
    let pool = this.pools.get(tenant);
    if (pool === undefined) {
      pool = new Pool(l.maxQueryConcurrency, l.maxQueuedQueries);
      this.pools.set(tenant, pool);
    }
    return pool;
  }
}

const noop = () => {};

/** The counter's reason for an error a limit caused; null for any other failure. */
function reasonOf(err: unknown): string | null {
  if (!(err instanceof OutpostError)) return null;
  if (err.code === "too_many_requests" && err.message === TOO_MANY_OUTSTANDING)
    return "concurrency";
  if (err.code === "timeout" && err.message === "query timed out in query queue")
    return "queue_timeout";
  if (err.message === TOO_MANY_SAMPLES) return "max_samples";
  return null;
}

function describe(
  reason: string,
  l: { maxQueryConcurrency: number; maxQueuedQueries: number; maxSamplesPerQuery: number },
): string {
  if (reason === "max_samples") {
    return Number.isFinite(l.maxSamplesPerQuery)
      ? `a query would load more than ${l.maxSamplesPerQuery} samples`
      : "a query would load more samples than the engine allows";
  }
  return `${l.maxQueryConcurrency} queries run and ${l.maxQueuedQueries} may wait`;
}
