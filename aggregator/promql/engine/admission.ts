/**
 * How many queries evaluate at once, as Prometheus's `--query.max-concurrency`: each query
 * holds a slot while it reads and evaluates, and a query that finds none free waits in
 * arrival order, its wait counting against its timeout. Evaluation shares the one thread
 * (Limits.turn), so the slots bound memory and how thinly the thread is shared. Rule
 * evaluation has slots of its own: a dashboard's heavy queries never hold up an alert.
 */
import { PromQLError } from "../value.ts";

/** Who asked: a user (the HTTP API, dashboards) or the rule evaluator. */
export type QueryOrigin = "user" | "rule";

interface Waiter {
  readonly admit: () => void;
  readonly fail: (error: PromQLError) => void;
}

/** One pool of slots with its queue. */
class Pool {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly slots: number) {}

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
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => leave(new PromQLError("timeout", "query timed out in query queue")),
        Math.max(0, deadline - performance.now()),
      );
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
