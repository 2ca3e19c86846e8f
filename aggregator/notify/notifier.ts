/**
 * The notifier component: the alert store, the dispatcher over the configured routing tree,
 * the receivers, and the periodic collection of resolved alerts. Alerts come in from the
 * rules evaluator (`fromRules`) and from `POST /api/v2/alerts` (`receive`). Started with the
 * aggregators' shared state (ha/runtime.ts), the store mirrors the alerts every aggregator
 * received, and only the holder of the notifier lease runs a dispatcher.
 */
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { labelsRecord } from "../rules/eval/output.ts";
import type { Template } from "../template/template.ts";
import { AlertStore, type IncomingAlert, receiveAlert, type StoredAlert } from "./alerts.ts";
import { validateAlert } from "./api/postable.ts";
import { loadAlertmanagerConfig } from "./config/load.ts";
import type { AlertmanagerConfig } from "./config/model.ts";
import { type Clock, systemClock, type Timer } from "./dispatch/clock.ts";
import { NotifyMetrics } from "./dispatch/deliver.ts";
import { Dispatcher, type Silenced } from "./dispatch/dispatcher.ts";
import { type DispatchHost, SharedNotifier, type SharedState } from "./ha/runtime.ts";
import { NotifierStates } from "./history/notifier_states.ts";
import type { HistorySink } from "./history/writer.ts";
import { loadTemplateSet, templateSet } from "./integrations/templates.ts";
import { MemoryNotificationLog, type NotificationLog } from "./nflog.ts";
import { buildSenders } from "./receivers/build.ts";
import type { Sender } from "./receivers/integration.ts";
import { buildRoutes, type Route } from "./route/route.ts";

const log = logger("notify");

/** How often resolved alerts are removed (Alertmanager's `--alerts.gc-interval`). */
export const GC_INTERVAL = 30 * 60_000;

/** What a notifier is built from. */
export interface NotifierOptions {
  /** The alertmanager.yml at start; `Notifier.config` is the one in force. */
  readonly config: AlertmanagerConfig;
  readonly registry: Registry;
  /** The URL notifications link back to (`externalURL`); read at each send. */
  readonly externalURL: string | (() => string);
  readonly clock?: Clock;
  readonly nflog?: NotificationLog;
  /** The integrations of each receiver, instead of those built from the config (tests). */
  readonly receivers?: ReadonlyMap<string, readonly Sender[]>;
  /** The silences that mute an alert (the shared silence store); none when absent. */
  readonly silenced?: Silenced;
  /** The template set notifications render with (defaults and `templates:`); defaults only when absent. */
  readonly templates?: Template;
  /** Where alert history records go (state changes and notification attempts); none when off. */
  readonly history?: HistorySink;
  /** The most alerts posts may make it hold; no limit when absent. */
  readonly alertLimit?: AlertLimit;
}

/**
 * A limit on the alerts the notifier holds (the tenant's `limits.max_alerts`), read at each
 * post so that a reload applies at once. Only posted alerts are refused by it.
 */
export interface AlertLimit {
  /** The most alerts the notifier may hold; `Infinity` without a limit. */
  max(): number;
  /** Counts and logs `n` posted alerts it refused. */
  refused(n: number, detail: string): void;
}

/** What one alertmanager.yml gives the notifier; replaced whole by a reload. */
interface Loaded {
  readonly config: AlertmanagerConfig;
  readonly root: Route;
  readonly senders: ReadonlyMap<string, readonly Sender[]>;
}

/** The notifier of an aggregator with `alerting.config_file`, or null without one. */
export async function createNotifier(
  configFile: string | undefined,
  registry: Registry,
  externalURL: () => string,
  silenced?: Silenced,
  history?: HistorySink,
  alertLimit?: AlertLimit,
): Promise<Notifier | null> {
  if (configFile === undefined) return null;
  const config = await loadAlertmanagerConfig(configFile);
  const templates = await loadTemplateSet(config.templates);
  return new Notifier({ config, registry, externalURL, silenced, templates, history, alertLimit });
}

/** A running notifier. */
export class Notifier implements DispatchHost {
  readonly store = new AlertStore();
  /** The dispatcher; null while another aggregator dispatches (or before start). */
  dispatcher: Dispatcher | null = null;
  readonly clock: Clock;
  /** When the notifier started, Unix ms. */
  startedAt = 0;
  /** How often resolved alerts are collected, ms. */
  readonly gcInterval = GC_INTERVAL;
  /** This aggregator's part of the shared notifier, when started with shared state. */
  shared: SharedNotifier | null = null;
  private abort = new AbortController();
  private gcTimer: Timer | null = null;
  private readonly received;
  private readonly metrics: NotifyMetrics;
  private loaded: Loaded;
  /** The log the running dispatcher writes, kept across a reload. */
  private nflog: NotificationLog | null = null;
  /** Starts, stops and reloads of the dispatcher, one at a time. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(readonly options: NotifierOptions) {
    const { registry } = options;
    this.clock = options.clock ?? systemClock;
    this.loaded = this.load(options.config, options.templates);
    this.received = registry.counter(
      "outpost_alerts_received_total",
      "Alerts the notifier received, by status and origin (rules or api).",
      ["status", "origin"],
    );
    this.metrics = new NotifyMetrics(registry);
  }

  /** The alertmanager.yml in force (the last one loaded). */
  get config(): AlertmanagerConfig {
    return this.loaded.config;
  }

  /** The integrations of a receiver in force (undefined for an unknown receiver). */
  senders(receiver: string): readonly Sender[] | undefined {
    return (this.options.receivers ?? this.loaded.senders).get(receiver);
  }

  /** The routing tree in force. */
  get root(): Route {
    return this.loaded.root;
  }

  /**
   * Puts a newly loaded alertmanager.yml in force, as Alertmanager's reload does: the routing
   * tree, receivers, inhibit rules and time intervals replaced, and a running dispatcher
   * replaced by one whose groups are rebuilt from the stored alerts (an alert older than
   * `group_wait` flushes at once), on the same notification log, so nothing already sent is
   * sent again.
   */
  apply(config: AlertmanagerConfig, templates?: Template): Promise<void> {
    return this.serially(async () => {
      this.loaded = this.load(config, templates);
      if (this.dispatcher === null || this.nflog === null) return;
      await this.haltDispatcher();
      this.dispatcher = this.newDispatcher(this.nflog);
      this.dispatcher.start();
    });
  }

  private load(config: AlertmanagerConfig, templates?: Template): Loaded {
    const url = this.options.externalURL;
    const senders = buildSenders(
      config.receivers,
      typeof url === "string" ? () => url : url,
      templates ?? templateSet(),
    );
    for (const kind of senders.skipped) {
      log.warn("Cannot send through this integration yet: its notifications are dropped", {
        integration: kind,
      });
    }
    return { config, root: buildRoutes(config.route), senders: senders.senders };
  }

  /** `global.resolve_timeout`, ms. */
  get resolveTimeout(): number {
    return (this.config.global.resolve_timeout as number | undefined) ?? 5 * 60_000;
  }

  /**
   * Starts dispatching and the collection of resolved alerts; with `shared`, mirrors the
   * shared alerts first and dispatches only while holding the notifier lease.
   */
  async start(shared?: SharedState): Promise<void> {
    this.startedAt = this.clock.now();
    if (shared === undefined) {
      await this.serially(async () => {
        this.nflog = this.options.nflog ?? new MemoryNotificationLog(() => this.clock.now());
        this.dispatcher = this.newDispatcher(this.nflog);
        this.dispatcher.start();
      });
      this.scheduleGc();
      return;
    }
    this.shared = new SharedNotifier(shared, this.store, this.clock, this.options.registry, this);
    await this.shared.start();
  }

  /** Stops dispatching; sends under way are cancelled. */
  async stop(): Promise<void> {
    this.gcTimer?.cancel();
    await this.shared?.stop();
    await this.stopDispatcher();
  }

  /** Runs a dispatcher on `nflog`, its groups rebuilt from the stored alerts. */
  startDispatcher(nflog: NotificationLog): Promise<void> {
    return this.serially(async () => {
      await this.haltDispatcher();
      this.nflog = nflog;
      this.dispatcher = this.newDispatcher(nflog);
      await this.dispatcher.restore();
    });
  }

  /** Stops the dispatcher, cancelling its sends under way. */
  stopDispatcher(): Promise<void> {
    return this.serially(async () => {
      await this.haltDispatcher();
      this.nflog = null;
    });
  }

  private async haltDispatcher(): Promise<void> {
    this.abort.abort();
    await this.dispatcher?.stop();
    this.dispatcher = null;
  }

  private serially(change: () => Promise<void>): Promise<void> {
    const next = this.changing.then(change);
    this.changing = next.catch(() => {});
    return next;
  }

  private newDispatcher(nflog: NotificationLog): Dispatcher {
    this.abort = new AbortController();
    const { config, root, senders } = this.loaded;
    return new Dispatcher({
      root,
      store: this.store,
      clock: this.clock,
      inhibitRules: config.inhibitRules,
      timeIntervals: config.timeIntervals,
      receivers: this.options.receivers ?? senders,
      nflog,
      metrics: this.metrics,
      silenced: this.options.silenced,
      signal: this.abort.signal,
      history: this.options.history,
      states: this.options.history && new NotifierStates(this.options.history),
    });
  }

  /**
   * Stores alerts as received from a sender; those that fail Alertmanager's checks are left
   * out, and their complaints returned.
   */
  receive(alerts: readonly IncomingAlert[], origin: "api" | "rules" = "api"): string[] {
    const now = this.clock.now();
    const valid: StoredAlert[] = [];
    const problems: string[] = [];
    let resolved = 0;
    const room = origin === "api" ? this.room() : null;
    let refused = 0;
    for (const a of alerts.map((x) => receiveAlert(x, now, this.resolveTimeout))) {
      const problem = validateAlert(a, origin === "api");
      if (problem !== undefined) {
        problems.push(problem);
        continue;
      }
      if (room !== null && !room(a.fingerprint)) {
        refused++;
        continue;
      }
      if (a.endsAt <= now) resolved++;
      valid.push(a);
    }
    // Counted once per post, not per alert: a child's lookup escapes its label values.
    if (resolved > 0) this.received.labels({ status: "resolved", origin }).inc(resolved);
    if (valid.length > resolved)
      this.received.labels({ status: "firing", origin }).inc(valid.length - resolved);
    this.store.put(valid, now);
    void this.shared?.write(valid);
    if (refused > 0) problems.push(this.refuse(refused));
    return problems;
  }

  /**
   * Whether a posted alert fits under the alert limit: one already held always does (it is
   * updated in place), a new one while the store is below the limit. Null without a limit.
   */
  private room(): ((fingerprint: string) => boolean) | null {
    const max = this.options.alertLimit?.max() ?? Number.POSITIVE_INFINITY;
    if (max === Number.POSITIVE_INFINITY) return null;
    let held = this.store.size;
    const taken = new Set<string>();
    return (fp) => {
      if (this.store.get(fp) !== undefined || taken.has(fp)) return true;
      if (held >= max) return false;
      held++;
      taken.add(fp);
      return true;
    };
  }

  /** Counts `n` alerts the limit refused; the complaint the post is answered with. */
  private refuse(n: number): string {
    const max = this.options.alertLimit?.max() ?? 0;
    const detail = `${n} new alert${n === 1 ? "" : "s"} not stored: the notifier holds ${this.store.size} alerts, at most ${max} (limits.max_alerts)`;
    this.options.alertLimit?.refused(n, detail);
    return detail;
  }

  /** Stores what the rules evaluator hands over, as Prometheus's notifier would post it. */
  fromRules(alerts: readonly NotifiedAlert[]): void {
    const problems = this.receive(
      alerts.map((a) => ({
        labels: labelsRecord(a.labels),
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        generatorURL: a.generatorURL,
      })),
      "rules",
    );
    if (problems.length > 0)
      log.warn("Dropped alerts from the rules", { problems: problems.join("; ") });
  }

  private scheduleGc(): void {
    this.gcTimer = this.clock.after(GC_INTERVAL, () => {
      this.store.collect(this.clock.now());
      this.scheduleGc();
    });
  }
}
