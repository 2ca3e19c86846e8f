/**
 * How many queries evaluate at once, as Prometheus's `--query.max-concurrency`: each query
 * holds a slot while it reads and evaluates, and a query that finds none free waits in
 * arrival order, its wait counting against its timeout. Evaluation shares the one thread
 * (Limits.turn), so the slots bound memory and how thinly the thread is shared. Rule
 * evaluation has slots of its own: a dashboard's heavy queries never hold up an alert.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { PromQLError } from "../value.ts";

/** Mimir's answer to a query that finds its tenant's queue full (HTTP 429). */
export const TOO_MANY_OUTSTANDING = "too many outstanding requests";

/** Who asked: a user (the HTTP API, dashboards) or the rule evaluator. */
export type QueryOrigin = "user" | "rule";

interface Waiter {
  readonly admit: () => void;
  readonly fail: (error: PromQLError) => void;
}

/** One pool of slots with its queue (of at most `maxWaiting`: one more is refused). */
export class Pool {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly slots: number,
    readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  /** Queries evaluating now, and waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Resolves with the release of a slot once one is free (or at once). */
  enter(deadline: number, signal: AbortSignal | undefined): Promise<() => void> {
    if (this.running < this.slots) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new OutpostError("too_many_requests", TOO_MANY_OUTSTANDING));
    }
    return new Promise((resolve, reject) => {
      // No deadline (Infinity): the caller's signal ends the wait.
      const timer = Number.isFinite(deadline)
        ? setTimeout(
            () => leave(new PromQLError("timeout", "query timed out in query queue")),
            Math.max(0, deadline - performance.now()),
          )
        : undefined;
      const onAbort = () => leave(new PromQLError("canceled", "query was canceled in query queue"));
      const waiter: Waiter = {
        admit: () => {
          cleanup();
          resolve(this.releaser());
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const leave = (error: PromQLError) => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        waiter.fail(error);
      };
      if (signal?.aborted)
        return reject(new PromQLError("canceled", "query was canceled in query queue"));
      signal?.addEventListener("abort", onAbort);
      this.waiting.push(waiter);
    });
  }

  /** A slot at once, or null when none is free (then nobody waits either: see the releaser). */
  tryEnter(): (() => void) | null {
    if (this.running >= this.slots) return null;
    this.running++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line.
      if (next) next.admit();
      else this.running--;
    };
  }
}

/** The slots of one engine: `user` for the API's queries, `rule` for rule evaluation. */
export class Admission {
  private readonly pools: Record<QueryOrigin, Pool>;

  constructor(userSlots: number, ruleSlots: number) {
    this.pools = { user: new Pool(userSlots), rule: new Pool(ruleSlots) };
  }

  /** Waits for a slot of `origin`'s pool; resolves with its release. */
  enter(
    origin: QueryOrigin,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<() => void> {
    return this.pools[origin].enter(deadline, signal);
  }

  /** Queries evaluating and waiting, per pool. */
  load(origin: QueryOrigin): { running: number; waiting: number } {
    return this.pools[origin].load;
  }
}

/**
 * Per-tenant slots and sample limits in front of the engine's own pools (limits/queries.ts):
 * `run` waits for one of the tenant's slots, then calls `work` with the tenant's samples limit.
 */
export interface TenantAdmission {
  /**
   * Runs `work` under the limits of every one of `tenants` (one, or a query over several
   * tenants' data): a slot of each, and the smallest samples limit.
   */
  runAll<T>(
    tenants: readonly string[],
    deadline: number,
    signal: AbortSignal | undefined,
    work: (maxSamples: number) => Promise<T>,
  ): Promise<T>;
}

/** The tenants whose limits a query of `of` runs under: its own, or each federated one's. */
export function limitedTenants(of: {
  readonly tenant?: string;
  readonly tenants?: readonly string[];
}): readonly string[] {
  return of.tenant !== undefined ? [of.tenant] : (of.tenants ?? []);
}
