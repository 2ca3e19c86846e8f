/**
 * Sends the rules' alerts to Alertmanagers outside Outpost, as Prometheus's notifier does: a
 * queue of at most 10,000 alerts (the oldest dropped past it), pushed in batches of 64 to
 * every Alertmanager of every set at once (`POST /api/v2/alerts`), each set's batch relabeled
 * by its own `alert_relabel_configs`, each push within its set's timeout. A failed push is
 * counted and logged (once a minute per Alertmanager at most) and not retried: the rules send
 * every alert again at their next evaluation (`resend_delay`). Each set's Alertmanagers are
 * those discovery last found (`update`).
 */

import { authorizationHeader } from "../../shared/http/client.ts";
import { type BunProxy, bunProxy } from "../../shared/http/proxy.ts";
import { type TlsOptions, tlsOptions } from "../../shared/http/tls.ts";
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { labelsRecord } from "../rules/eval/output.ts";
import { AlertRelabeler } from "./alert_relabel.ts";
import type { AlertmanagerSet } from "./config.ts";
import type { DiscoveredAlertmanagers } from "./targets.ts";

const log = logger("alertmanagers");

/** Prometheus's `--alertmanager.notification-queue-capacity` default. */
export const QUEUE_CAPACITY = 10_000;
/** Prometheus's batch size. */
export const BATCH_SIZE = 64;
const LOG_EVERY_MS = 60_000;
const USER_AGENT = "Outpost-Aggregator/0.1";

/** One Alertmanager of a set, with what its pushes carry. */
interface Target {
  readonly url: string;
  readonly set: AlertmanagerSet;
  readonly tls: TlsOptions;
  readonly proxy: BunProxy;
  /** When a failure was last logged (ms), so a down Alertmanager logs once a minute. */
  loggedAt: number;
}

/** One set: its alert relabeling and the Alertmanagers discovery last found. */
interface SetState {
  readonly set: AlertmanagerSet;
  /**
   * Its TLS options, its files read once when the set is made, as Prometheus makes a set's
   * client when it applies the config: read again for each Alertmanager discovery found, a
   * file missing then threw out of the file_sd timer and left the set's list as it was.
   */
  readonly tls: TlsOptions;
  readonly relabel: AlertRelabeler | null;
  targets: Target[];
  dropped: readonly string[];
}

/** `/api/v1/alertmanagers`: every set's push URLs, in the sets' order. */
export interface AlertmanagerListing {
  readonly active: string[];
  readonly dropped: string[];
}

/** The queue and pushes of `alerting.alertmanagers`. */
export class AlertmanagerSender {
  private readonly sets: SetState[];
  private queue: NotifiedAlert[] = [];
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Set by `retire`: no batch is taken after the one under way. */
  private retiring = false;
  private readonly sent: Metric;
  private readonly errors: Metric;
  private readonly dropped: Metric;
  private readonly length: Metric;
  private readonly latency;

  constructor(
    sets: readonly AlertmanagerSet[],
    registry: Registry,
    private readonly capacity = QUEUE_CAPACITY,
  ) {
    this.sets = sets.map((set, i) => ({
      set,
      tls: tlsOptions(set.tls_config),
      relabel:
        set.alertRelabel.length > 0
          ? new AlertRelabeler(set.alertRelabel, registry, `alertmanagers[${i}]`)
          : null,
      targets: [],
      dropped: [],
    }));
    this.sent = registry.counter(
      "outpost_alertmanager_notifications_sent_total",
      "Alerts pushed to an Alertmanager of alerting.alertmanagers.",
      ["alertmanager"],
    );
    this.errors = registry.counter(
      "outpost_alertmanager_notifications_errors_total",
      "Alerts in pushes to an Alertmanager that failed.",
      ["alertmanager"],
    );
    this.dropped = registry.counter(
      "outpost_alertmanager_notifications_dropped_total",
      "Alerts dropped from the queue when it was full, or after every Alertmanager refused them.",
    );
    this.length = registry.gauge(
      "outpost_alertmanager_notifications_queue_length",
      "Alerts waiting to be pushed.",
    );
    registry
      .gauge("outpost_alertmanager_notifications_queue_capacity", "Alerts the queue holds at most.")
      .set(capacity);
    this.latency = registry.histogram(
      "outpost_alertmanager_notification_latency_seconds",
      "Time one push to an Alertmanager took.",
      undefined,
      ["alertmanager"],
    );
    this.dropped.labels();
  }

  /** Set `index`'s Alertmanagers from now on (discovery found them anew). */
  update(index: number, found: DiscoveredAlertmanagers): void {
    const state = this.sets[index]!;
    const known = new Map(state.targets.map((t) => [t.url, t]));
    state.targets = found.active.map((url) => known.get(url) ?? this.target(url, state));
    state.dropped = found.dropped;
  }

  private target(url: string, { set, tls }: SetState): Target {
    this.sent.labels({ alertmanager: url });
    this.errors.labels({ alertmanager: url });
    return {
      url,
      set,
      tls,
      proxy: bunProxy(new URL(url), set),
      loggedAt: 0,
    };
  }

  /** The push URLs, for `/api/v1/alertmanagers`. */
  alertmanagers(): AlertmanagerListing {
    return {
      active: this.sets.flatMap((s) => s.targets.map((t) => t.url)),
      dropped: this.sets.flatMap((s) => s.dropped),
    };
  }

  /** Queues alerts to push; past the capacity the oldest are dropped. */
  send(alerts: readonly NotifiedAlert[]): void {
    if (this.sets.length === 0 || alerts.length === 0) return;
    this.queue.push(...alerts);
    const over = this.queue.length - this.capacity;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped.inc(over);
    }
    this.length.set(this.queue.length);
    this.wake?.();
  }

  /** Empties the queue, returning what it held (oldest first): for a reload's new sender. */
  takeQueue(): NotifiedAlert[] {
    const queued = this.queue;
    this.queue = [];
    this.length.set(0);
    return queued;
  }

  /** Starts pushing what is queued. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops pushing; a push under way is cut short and what is queued dropped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.running;
  }

  /**
   * Takes no batch after the one under way, whose pushes complete (each within its set's
   * timeout), as Prometheus's do when a reload replaces the sets they were sent to; resolves
   * once they have. For a reload, after `takeQueue`: cutting them short lost their alerts.
   */
  retire(): Promise<void> {
    this.retiring = true;
    this.wake?.();
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted && !this.retiring) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      const batch = this.queue.splice(0, BATCH_SIZE);
      this.length.set(this.queue.length);
      const pushes = this.sets.flatMap((state) => this.pushSet(state, batch));
      const results = await Promise.all(pushes);
      if (!results.some(Boolean)) this.dropped.inc(batch.length);
    }
  }

  /** The pushes of one batch to one set's Alertmanagers; none when its relabeling left nothing. */
  private pushSet(state: SetState, batch: readonly NotifiedAlert[]): Promise<boolean>[] {
    if (state.targets.length === 0) return [];
    const alerts = state.relabel?.apply(batch) ?? batch;
    if (alerts.length === 0) return [];
    const body = JSON.stringify(alerts.map(payload));
    return state.targets.map((t) => this.push(t, body, alerts.length));
  }

  /** One push to one Alertmanager; true when it took the alerts. */
  private async push(target: Target, body: string, count: number): Promise<boolean> {
    const { set, url } = target;
    const started = performance.now();
    const timeout = AbortSignal.timeout(set.timeout);
    const signal = AbortSignal.any([this.stopping.signal, timeout]);
    try {
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
      };
      const auth = await authorizationHeader(set, signal);
      if (auth) headers.Authorization = auth;
      const res = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal,
        redirect: set.follow_redirects ? "follow" : "manual",
        // Bun-specific: TLS options and the proxy of this request.
        tls: target.tls,
        proxy: target.proxy,
      } as RequestInit);
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299)
        throw new Error(`bad response status ${res.status} ${res.statusText}`);
      this.sent.labels({ alertmanager: url }).inc(count);
      return true;
    } catch (err) {
      if (this.stopping.signal.aborted) return false;
      this.errors.labels({ alertmanager: url }).inc(count);
      const reason = timeout.aborted
        ? `timed out after ${set.timeout} ms`
        : err instanceof Error
          ? err.message
          : String(err);
      const now = Date.now();
      if (now - target.loggedAt >= LOG_EVERY_MS) {
        target.loggedAt = now;
        log.error("Cannot send alerts to an Alertmanager", { alertmanager: url, count, reason });
      }
      return false;
    } finally {
      this.latency.observe((performance.now() - started) / 1000, { alertmanager: url });
    }
  }
}

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it. */
function payload(alert: NotifiedAlert) {
  return {
    labels: labelsRecord(alert.labels),
    annotations: alert.annotations,
    startsAt: new Date(alert.startsAt).toISOString(),
    endsAt: new Date(alert.endsAt).toISOString(),
    generatorURL: alert.generatorURL,
  };
}
