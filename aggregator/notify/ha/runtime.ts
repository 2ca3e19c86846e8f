/**
 * The notifier shared by aggregators: the alerts in one KV bucket (every aggregator writes
 * what it receives and mirrors the rest), the notification log in another, and one
 * dispatcher at a time, on the holder of the notifier's lease. The holder also collects
 * resolved alerts and expired log entries from the buckets.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../../ingest/kv.ts";
import type { AlertStore, StoredAlert } from "../alerts.ts";
import type { Clock, Timer } from "../dispatch/clock.ts";
import type { NotificationLog } from "../nflog.ts";
import { KvNotificationLog } from "./kv_nflog.ts";
import { Leadership, type NotifierLease } from "./leadership.ts";
import { SharePacer } from "./share_pacer.ts";
import { SharedAlerts } from "./shared_alerts.ts";

const log = logger("notify");

/** The notifier lease's TTL: a dead holder's groups are taken over within about this. */
export const NOTIFIER_LEASE_TTL = 10_000;
/** How often writes that failed are tried again, and waiting extensions checked, while any wait. */
const RETRY_INTERVAL = 1_000;

/** The shared state an aggregator's notifier is given (see aggregator.ts). */
export interface SharedState {
  /** The alerts bucket (`OUTPOST_ALERTS`). */
  readonly alerts: KeyValueStore;
  /** The notification log bucket (`OUTPOST_NFLOG`). */
  readonly nflog: KeyValueStore;
  /** The lease `notifier.<tenant>`. */
  readonly lease: NotifierLease;
  readonly tenant: string;
  /**
   * Write every received alert to the bucket at once, as the reference (tests); else re-sends
   * that only extend `endsAt` wait (refresh.ts), and the lease holder's wait for a pause in
   * posts (share_pacer.ts).
   */
  readonly writeEveryAlert?: boolean;
}

/** What the runtime asks of the notifier: run a dispatcher on the log, or stop it. */
export interface DispatchHost {
  /** Starts a dispatcher rebuilt from the stored alerts (Dispatcher.restore). */
  startDispatcher(nflog: NotificationLog): Promise<void>;
  stopDispatcher(): Promise<void>;
  /** Collects resolved alerts every this many ms while dispatching. */
  readonly gcInterval: number;
}

/** One aggregator's part of the shared notifier. */
export class SharedNotifier {
  readonly alerts: SharedAlerts;
  readonly nflog: KvNotificationLog;
  readonly leadership: Leadership;
  private readonly held: Metric;
  private readonly errors: Metric;
  /** The lease holder's received alerts, shared once posts pause; null in the reference. */
  private readonly pacer: SharePacer | null;
  private gcTimer: Timer | null = null;
  private retryTimer: Timer | null = null;
  /** The mirror is up: writes waiting from now on arm the retry timer. */
  private started = false;
  private stopped = false;

  constructor(
    shared: SharedState,
    store: AlertStore,
    private readonly clock: Clock,
    registry: Registry,
    private readonly host: DispatchHost,
  ) {
    this.held = registry.gauge(
      "outpost_notifier_lease_held",
      "1 while this process (aggregator or outpost notifier) holds the notifier lease and dispatches notifications.",
    );
    this.errors = registry.counter(
      "outpost_notifier_kv_errors_total",
      "Reads, writes and deletes of the shared alerts and notification log that failed.",
      ["op"],
    );
    const count = (op: string) => this.errors.labels({ op }).inc();
    this.alerts = new SharedAlerts(shared.alerts, store, shared.tenant, {
      onError: count,
      now: () => clock.now(),
      reference: shared.writeEveryAlert,
      onWaiting: () => this.scheduleRetry(),
    });
    this.pacer = shared.writeEveryAlert
      ? null
      : new SharePacer(clock, (alerts) => this.alerts.write(alerts));
    this.nflog = new KvNotificationLog(shared.nflog, shared.tenant, () => clock.now());
    this.leadership = new Leadership(shared.lease, clock, NOTIFIER_LEASE_TTL, {
      gain: () => this.gain(),
      lose: () => this.lose(),
    });
  }

  /** Mirrors the shared alerts, then competes for the lease. */
  async start(): Promise<void> {
    await this.alerts.start();
    if (this.stopped) return;
    this.leadership.start();
    this.started = true;
    if (this.alerts.waiting) this.scheduleRetry();
  }

  /** Shares what waits, then stops dispatching (if it did), the lease loop and the mirror. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.cancel();
    // Before the lease is given up: whoever takes over must find these alerts.
    await this.pacer?.flush();
    await this.leadership.stop();
    this.alerts.stop();
  }

  /**
   * Shares alerts the notifier received (already in the local store): at once, or, while this
   * process dispatches, once posts pause (share_pacer.ts).
   */
  write(alerts: readonly StoredAlert[]): Promise<void> {
    if (this.pacer === null || !this.leadership.holding) return this.alerts.write(alerts);
    this.pacer.add(alerts);
    return Promise.resolve();
  }

  private async gain(): Promise<void> {
    log.info("Dispatching notifications: this process holds the notifier lease");
    this.held.set(1);
    await this.nflog.hold();
    // Lost while the log loaded: lose() comes next, with nothing to stop.
    if (!this.leadership.holding) return;
    await this.host.startDispatcher(this.nflog);
    this.scheduleGc();
  }

  private async lose(): Promise<void> {
    log.info("Stopped dispatching notifications: this process no longer holds the notifier lease");
    this.held.set(0);
    this.gcTimer?.cancel();
    // The next holder learns of them from the bucket only.
    void this.pacer?.flush();
    this.nflog.release();
    await this.host.stopDispatcher();
  }

  private scheduleGc(): void {
    this.gcTimer = this.clock.after(this.host.gcInterval, async () => {
      const now = this.clock.now();
      // Written first, so that a resolved alert still waiting is not deleted and written back.
      await this.pacer?.flush();
      await this.alerts.collect(now);
      await this.nflog.collect().catch(() => this.errors.labels({ op: "delete" }).inc());
      if (this.leadership.holding) this.scheduleGc();
    });
  }

  /**
   * Arms the retry timer unless it is armed: it runs while some write waits and stops when none
   * does (`onWaiting` arms it again), so a notifier with nothing to share does not wake for it.
   */
  private scheduleRetry(): void {
    if (!this.started || this.stopped || this.retryTimer !== null) return;
    this.retryTimer = this.clock.after(RETRY_INTERVAL, async () => {
      try {
        await this.alerts.retry();
        await this.alerts.refresh();
      } finally {
        // Writes that began to wait during the round found the timer still armed.
        this.retryTimer = null;
        if (this.alerts.waiting) this.scheduleRetry();
      }
    });
  }
}
