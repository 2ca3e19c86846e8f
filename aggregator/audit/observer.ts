/**
 * Records the changes of users and tokens the auth buckets' watch shows, whatever made them:
 * an `outpost user/token` CLI, `nats kv`, another aggregator's API. Records wait a moment
 * first, so that the same change recorded by the API that made it (with its actor, under the
 * same id) is published first and this one is the duplicate.
 */
import type { AuthObserver } from "../auth/store.ts";
import { type AuthChange, tokenChanges, userChanges } from "./auth_changes.ts";
import type { Audit } from "./record.ts";

/** How long an observed change waits before it is recorded. */
export const OBSERVED_DELAY_MS = 3_000;

/** An observer of the auth buckets that records into `audit`. */
export class AuthChangeObserver implements AuthObserver {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly audit: Audit,
    private readonly delayMs = OBSERVED_DELAY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a user's changes. */
  user: AuthObserver["user"] = (before, after) => this.later(userChanges(before, after));

  /** Records a token's changes. */
  token: AuthObserver["token"] = (before, after) => this.later(tokenChanges(before, after));

  /** Records what is waiting now (at stop). */
  flush(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const run of this.pending.splice(0)) run();
  }

  private readonly pending: (() => void)[] = [];

  private later(changes: readonly AuthChange[]): void {
    if (changes.length === 0) return;
    const time = this.now();
    const run = () => {
      for (const c of changes)
        this.audit({
          ...c,
          time,
          actor: { kind: "unknown", name: "unknown" },
          source: "nats-kv",
          outcome: "ok",
        });
    };
    this.pending.push(run);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const i = this.pending.indexOf(run);
      if (i >= 0) this.pending.splice(i, 1);
      run();
    }, this.delayMs);
    this.timers.add(timer);
  }
}
