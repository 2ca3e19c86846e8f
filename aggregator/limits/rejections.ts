/**
 * Counting and logging what the limits refused: every refusal goes into the per-tenant
 * counters, and the log gets one line per tenant and reason per minute at most (a flood must
 * not become a flood of log lines), saying how much was refused since the previous line.
 */
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";

const log = logger("limits");
const LOG_EVERY_MS = 60_000;

/** What was refused: samples, log line bytes, whole queries or posted alerts. */
export type Refused = "samples" | "log_bytes" | "queries" | "alerts";

interface Tally {
  lastLogged: number;
  since: number;
}

/** The per-tenant rejection counters and their rate-limited log lines. */
export class Rejections {
  private readonly counters: Record<Refused, Metric>;
  private readonly tallies = new Map<string, Tally>();

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const labels = ["tenant", "reason"];
    this.counters = {
      samples: registry.counter(
        "outpost_tenant_rejected_samples_total",
        "Samples refused by a tenant's limits, by reason.",
        labels,
      ),
      log_bytes: registry.counter(
        "outpost_tenant_rejected_log_bytes_total",
        "Log line bytes refused by a tenant's limits, by reason.",
        labels,
      ),
      queries: registry.counter(
        "outpost_tenant_rejected_queries_total",
        "Queries refused by a tenant's limits, by reason.",
        labels,
      ),
      alerts: registry.counter(
        "outpost_tenant_rejected_alerts_total",
        "Alerts posted to a tenant's notifier and refused by its limits, by reason.",
        labels,
      ),
    };
  }

  /** Counts `n` refused of `what` for `tenant`, and logs it unless logged in the last minute. */
  refuse(what: Refused, tenant: string, reason: string, n: number, detail: string): void {
    this.counters[what].labels({ tenant, reason }).inc(n);
    const key = `${what}\u0000${tenant}\u0000${reason}`;
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      tally = { lastLogged: Number.NEGATIVE_INFINITY, since: 0 };
      this.tallies.set(key, tally);
    }
    tally.since += n;
    const now = this.now();
    if (now - tally.lastLogged < LOG_EVERY_MS) return;
    log.warn(`Refusing ${what.replace("_", " ")} of tenant "${tenant}": ${detail}`, {
      tenant,
      reason,
      [`${what}_refused_since_last_line`]: tally.since,
    });
    tally.lastLogged = now;
    tally.since = 0;
  }
}
