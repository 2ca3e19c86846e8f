/**
 * The dispatcher: every alert put into the store is routed (matchRoutes) into the
 * aggregation group of each matching route and its group labels, and each group's flush
 * goes through Alertmanager 0.25's stages: inhibition against the alerts firing now, the
 * route's active and mute time intervals at the flush time, then every integration of the
 * route's receiver at once (deduplicated, retried, logged; see deliver.ts).
 */
import type { AlertStore, StoredAlert } from "../alerts.ts";
import type { InhibitRule } from "../config/model.ts";
import { fingerprint } from "../fingerprint.ts";
import type { NotifierStates } from "../history/notifier_states.ts";
import { inhibitedBy, isInhibited } from "../inhibit.ts";
import type { Sender } from "../receivers/integration.ts";
import { groupKey, groupLabels, matchRoutes, type Route } from "../route/route.ts";
import { isActive } from "../timeinterval/active.ts";
import type { TimeInterval } from "../timeinterval/model.ts";
import type { Clock, Timer } from "./clock.ts";
import { type DeliverDeps, deliver, integrationKey } from "./deliver.ts";
import { AggregationGroup } from "./group.ts";

/** How often empty groups are dropped (Alertmanager's maintenance interval). */
export const MAINTENANCE_INTERVAL = 30_000;

/** What the dispatcher routes with and sends through. */
export interface DispatcherDeps extends DeliverDeps {
  readonly root: Route;
  readonly store: AlertStore;
  readonly clock: Clock;
  readonly inhibitRules: readonly InhibitRule[];
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  /** The integrations of each receiver by name. */
  readonly receivers: ReadonlyMap<string, readonly Sender[]>;
  /** The ids of the silences muting an alert with these labels at `now`; none by default. */
  readonly silenced?: Silenced;
  /** Alert history's record of transitions; none when history is off. */
  readonly states?: NotifierStates;
}

/** Which silences mute an alert's labels at a time (aggregator/notify/silences). */
export type Silenced = (labels: StoredAlert["labels"], now: number) => readonly string[];

/** Routes alerts into aggregation groups and flushes them. */
export class Dispatcher {
  private readonly groups = new Map<Route, Map<string, AggregationGroup>>();
  private unsubscribe: (() => void) | null = null;
  private maintenance: Timer | null = null;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Takes the alerts stored so far and every one put from now on. */
  start(): void {
    for (const a of this.deps.store.list()) this.process(a);
    this.unsubscribe = this.deps.store.subscribe((a) => this.process(a));
    this.scheduleMaintenance();
  }

  /**
   * Starts as the new dispatching aggregator after a takeover: the groups are rebuilt from
   * the stored (shared) alerts and each is timed from the notification log. A group some
   * integration already notified flushes next `group_interval` after that notification (and
   * the log keeps it from repeating); one never notified flushes `group_wait` after its
   * earliest alert started, at once when that is past. Resolves when every group is timed.
   */
  async restore(): Promise<void> {
    const rebuilt: AggregationGroup[] = [];
    for (const a of this.deps.store.list()) this.process(a, rebuilt);
    this.unsubscribe = this.deps.store.subscribe((a) => this.process(a));
    this.scheduleMaintenance();
    await Promise.all(rebuilt.map((g) => this.resume(g)));
  }

  /** Stops routing and the groups' timers; flushes under way finish. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.maintenance?.cancel();
    const all = this.allGroups();
    for (const g of all) g.stop();
    await Promise.all(all.map((g) => g.idle()));
  }

  /** Every aggregation group. */
  allGroups(): AggregationGroup[] {
    return [...this.groups.values()].flatMap((m) => [...m.values()]);
  }

  /** Whether an alert is inhibited by the alerts firing at `now`. */
  inhibited(labels: StoredAlert["labels"], now: number): boolean {
    return isInhibited(this.deps.inhibitRules, labels, this.firingLabels(now));
  }

  /**
   * The labels of the alerts firing at `now`, the sources inhibition looks through; none are
   * read without inhibit rules, as every group's flush would otherwise copy the whole store.
   */
  private firingLabels(now: number): StoredAlert["labels"][] {
    if (this.deps.inhibitRules.length === 0) return [];
    return this.deps.store.firing(now).map((a) => a.labels);
  }

  /** Times a rebuilt group from the last notification any of its integrations logged. */
  private async resume(group: AggregationGroup): Promise<void> {
    const receiver = group.route.opts.receiver;
    const senders = this.deps.receivers.get(receiver) ?? [];
    const entries = await Promise.all(
      // Unreadable counts as never sent: the flush's own read decides, and waits if it fails.
      senders.map((s, i) =>
        this.deps.nflog.get(integrationKey(receiver, s, i), group.key).catch(() => undefined),
      ),
    );
    const last = Math.max(0, ...entries.map((e) => e?.timestamp ?? 0));
    const { groupWait, groupInterval } = group.route.opts;
    if (last > 0) group.resume(true, last + groupInterval);
    else group.resume(false, Math.min(...group.list().map((a) => a.startsAt)) + groupWait);
  }

  private process(alert: StoredAlert, rebuilt?: AggregationGroup[]): void {
    this.deps.states?.seen(alert, this.deps.clock.now(), rebuilt !== undefined);
    for (const route of matchRoutes(this.deps.root, alert.labels)) {
      let byKey = this.groups.get(route);
      if (byKey === undefined) {
        byKey = new Map();
        this.groups.set(route, byKey);
      }
      const key = groupKey(route, alert.labels);
      let group = byKey.get(key);
      if (group === undefined) {
        const labels = groupLabels(route, alert.labels);
        group = new AggregationGroup(route, labels, key, this.deps.clock, (g, alerts, now) =>
          this.flush(g, alerts, now),
        );
        byKey.set(key, group);
        if (rebuilt !== undefined) {
          group.startRestoring();
          rebuilt.push(group);
        } else {
          // The group_wait timer first: the insert may cut it to 0 for an old alert.
          group.start();
        }
      }
      group.insert(alert);
    }
  }

  private async flush(group: AggregationGroup, alerts: StoredAlert[], now: number) {
    const firing = this.firingLabels(now);
    const rules = this.deps.inhibitRules;
    // Alertmanager's mute stages in its order: inhibition, then silences.
    const silenced = this.deps.silenced ?? (() => []);
    const kept = alerts.filter((a) => {
      const inhibitor = inhibitedBy(rules, a.labels, firing);
      const silences = inhibitor ? [] : silenced(a.labels, now);
      if (this.deps.states) {
        this.deps.states.seen(a, now);
        const muting = inhibitor
          ? { inhibitedBy: [fingerprint(inhibitor.source)] }
          : silences.length > 0
            ? { silencedBy: silences }
            : undefined;
        this.deps.states.muted(a, muting, now);
      }
      return !inhibitor && silences.length === 0;
    });
    if (kept.length === 0 || this.mutedByTime(group.route, now)) return true;
    const receiver = group.route.opts.receiver;
    const senders = this.deps.receivers.get(receiver) ?? [];
    const results = await Promise.all(
      senders.map((s, i) => deliver(this.deps, group, receiver, s, i, kept, now)),
    );
    return results.every(Boolean);
  }

  /** Outside all of the route's active intervals, or inside one of its mute intervals. */
  private mutedByTime(route: Route, now: number): boolean {
    const date = new Date(now);
    const within = (names: readonly string[]) =>
      names.some((n) => isActive(this.deps.timeIntervals.get(n) ?? [], date));
    const { activeTimeIntervals, muteTimeIntervals } = route.opts;
    if (activeTimeIntervals.length > 0 && !within(activeTimeIntervals)) return true;
    return within(muteTimeIntervals);
  }

  private scheduleMaintenance(): void {
    this.maintenance = this.deps.clock.after(MAINTENANCE_INTERVAL, () => {
      for (const byKey of this.groups.values()) {
        for (const [key, g] of byKey) {
          if (g.empty) {
            g.stop();
            byKey.delete(key);
          }
        }
      }
      this.scheduleMaintenance();
    });
  }
}
