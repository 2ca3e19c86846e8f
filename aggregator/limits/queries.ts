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
  type TenantAdmission,
  TOO_MANY_OUTSTANDING,
} from "../promql/engine/admission.ts";
import { TOO_MANY_SAMPLES } from "../promql/engine/limits.ts";
import type { Rejections } from "./rejections.ts";
import type { TenantLimits, TenantLimitsTable } from "./tenants.ts";

/** Each tenant's query slots and samples limit. */
export class QueryLimiter implements TenantAdmission {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly table: TenantLimitsTable,
    private readonly rejections: Rejections,
  ) {}

  /** Waits for a slot of `tenant` (until `deadline`, a `performance.now()` time), then runs `work`. */
  run<T>(
    tenant: string,
    deadline: number,
    signal: AbortSignal | undefined,
    work: (maxSamples: number) => Promise<T>,
  ): Promise<T> {
    return this.runAll([tenant], deadline, signal, work);
  }

  /**
   * {@link run} for a query over several tenants' data: a slot of each, held all at once (it
   * waits in one busy tenant's queue holding no other's, so it never keeps a tenant's users
   * waiting while it waits for another's), and the smallest samples limit. A refusal is
   * counted once, for the tenant whose limit refused it.
   */
  async runAll<T>(
    tenants: readonly string[],
    deadline: number,
    signal: AbortSignal | undefined,
    work: (maxSamples: number) => Promise<T>,
  ): Promise<T> {
    const names = [...new Set(tenants)].sort();
    const limits = names.map((t) => this.table.of(t));
    const max = Math.min(...limits.map((l) => l.maxSamplesPerQuery));
    const releases = await this.enterAll(names, limits, deadline, signal);
    try {
      return await work(max);
    } catch (err) {
      const reason = reasonOf(err);
      if (reason)
        names.forEach((t, i) => {
          const l = limits[i] as TenantLimits;
          if (l.maxSamplesPerQuery === max)
            this.rejections.refuse("queries", t, reason, 1, describe(reason, l));
        });
      throw err;
    } finally {
      for (const release of releases) release();
    }
  }

  /** A slot of each tenant's pool at once; the releases. */
  private async enterAll(
    names: readonly string[],
    limits: readonly TenantLimits[],
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<(() => void)[]> {
    const pools = names.map((t) => this.poolOf(t));
    const held = new Map<number, () => void>();
    try {
      for (;;) {
        let busy = -1;
        for (let i = 0; i < pools.length && busy < 0; i++) {
          const pool = pools[i];
          if (!pool || held.has(i)) continue;
          const release = pool.tryEnter();
          if (release) held.set(i, release);
          else busy = i;
        }
        if (busy < 0) return [...held.values()];
        // Queued behind one busy tenant holding none of the others' slots.
        for (const release of held.values()) release();
        held.clear();
        try {
          held.set(busy, await (pools[busy] as Pool).enter(deadline, signal));
        } catch (err) {
          const reason = reasonOf(err);
          const l = limits[busy] as TenantLimits;
          if (reason)
            this.rejections.refuse(
              "queries",
              names[busy] as string,
              reason,
              1,
              describe(reason, l),
            );
          throw err;
        }
      }
    } catch (err) {
      for (const release of held.values()) release();
      throw err;
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
      return this.runAll(tenants, Number.POSITIVE_INFINITY, opts.signal, (maxSamples) =>
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
