/**
 * Audit records of logins: each success of the Login call, each failed password (Login or
 * Basic), each Logout that ended a session, and rate-limited attempts counted rather than each
 * recorded: the first of a user name and address is recorded at once, the rest of its minute
 * in one record with their count, so a flood of attempts cannot flood the audit log.
 */
import type { Audit } from "./record.ts";

/** How long rate-limited attempts of one user name and address are gathered. */
export const LIMITED_WINDOW_MS = 60_000;
/** User name and address pairs gathered at once, at most (past this, attempts are only counted in metrics). */
const MAX_PAIRS = 10_000;

/** Records logins into an audit log. */
export class LoginAudit {
  private readonly limited = new Map<string, { user: string; address: string; more: number }>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly audit: Audit,
    private readonly windowMs = LIMITED_WINDOW_MS,
  ) {}

  /** A password that matched (the Login call; Basic's every request is not a change). */
  succeeded(user: string, address: string): void {
    this.audit({ ...who(user, address), action: "login", target: user, outcome: "ok" });
  }

  /** A session ended by its user's Logout call. */
  loggedOut(user: string, address: string): void {
    this.audit({ ...who(user, address), action: "logout", target: user, outcome: "ok" });
  }

  /** A wrong user name or password. */
  failed(user: string, address: string): void {
    const message = "wrong user name or password";
    this.audit({
      ...who(user, address),
      action: "login",
      target: user,
      outcome: "failed",
      message,
    });
  }

  /** An attempt refused by the rate limit. */
  rateLimited(user: string, address: string): void {
    const key = `${user}\u0000${address}`;
    const open = this.limited.get(key);
    if (open) {
      open.more++;
      return;
    }
    if (this.limited.size >= MAX_PAIRS) return;
    this.limited.set(key, { user, address, more: 0 });
    this.record(user, address, 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.close(key);
    }, this.windowMs);
    this.timers.add(timer);
  }

  /** Records the attempts counted so far (at stop). */
  flush(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const key of [...this.limited.keys()]) this.close(key);
  }

  private close(key: string): void {
    const open = this.limited.get(key);
    this.limited.delete(key);
    if (open && open.more > 0) this.record(open.user, open.address, open.more);
  }

  private record(user: string, address: string, count: number): void {
    this.audit({
      ...who(user, address),
      action: "login",
      target: user,
      outcome: "denied",
      message: "too many attempts",
      count,
    });
  }
}

function who(user: string, address: string) {
  return { actor: { kind: "user" as const, name: user }, source: address };
}
