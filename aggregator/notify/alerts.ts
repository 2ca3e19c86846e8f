/**
 * The notifier's alerts, keyed by label fingerprint, kept as Alertmanager keeps them: a
 * re-sent alert is merged with the one stored when their active ranges overlap, an alert
 * sent without `endsAt` is given `resolve_timeout`, an alert is resolved once its `endsAt`
 * has passed, and resolved alerts are removed by a periodic collection. Every put is
 * announced to the listeners (the dispatcher), and every change, removals included, to the
 * watchers (the API's alert streams).
 */
import { fingerprint } from "./fingerprint.ts";
import type { LabelSet } from "./route/route.ts";

/** An alert as the notifier holds it; times are Unix ms, 0 for "not set". */
export interface StoredAlert {
  readonly labels: LabelSet;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  readonly endsAt: number;
  /** When the notifier last received it. */
  readonly updatedAt: number;
  readonly generatorURL: string;
  /** `endsAt` came from `resolve_timeout`, not from the sender. */
  readonly timeout: boolean;
  readonly fingerprint: string;
}

/** An alert as a sender posts it; times are Unix ms, 0 when not given. */
export interface IncomingAlert {
  readonly labels: LabelSet;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly generatorURL?: string;
}

/** Whether the alert is resolved at `now`: its `endsAt` is set and not after `now`. */
export function isResolved(a: StoredAlert, now: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= now;
}

/**
 * The stored form of a received alert, as Alertmanager's API fills it: no `startsAt` means
 * now (or `endsAt` when only that is given), no `endsAt` means now + `resolve_timeout`.
 */
export function receiveAlert(a: IncomingAlert, now: number, resolveTimeout: number): StoredAlert {
  const endsAt = a.endsAt ?? 0;
  const startsAt = a.startsAt || (endsAt !== 0 ? endsAt : now);
  return {
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt,
    endsAt: endsAt !== 0 ? endsAt : now + resolveTimeout,
    updatedAt: now,
    generatorURL: a.generatorURL ?? "",
    timeout: endsAt === 0,
    fingerprint: fingerprint(a.labels),
  };
}

/**
 * Two versions of one alert merged: the newer one (by `updatedAt`) with the earliest
 * `startsAt`; of two resolved ones the latest `endsAt` wins, and a later `endsAt` of the
 * older one wins over a firing newer one unless it came from a timeout.
 */
export function mergeAlerts(a: StoredAlert, b: StoredAlert, now: number): StoredAlert {
  const [older, newer] = b.updatedAt < a.updatedAt ? [b, a] : [a, b];
  let { startsAt, endsAt } = newer;
  if (older.startsAt < newer.startsAt) startsAt = older.startsAt;
  if (isResolved(newer, now)) {
    if (isResolved(older, now) && older.endsAt > newer.endsAt) endsAt = older.endsAt;
  } else if (older.endsAt > newer.endsAt && !older.timeout) {
    endsAt = older.endsAt;
  }
  return { ...newer, startsAt, endsAt };
}

/** Receives every alert put into the store, as stored. */
export type AlertListener = (alert: StoredAlert) => void;

/** What happened to an alert: new, received again, resolved, or gone from the store. */
export type AlertChangeKind = "added" | "updated" | "resolved" | "removed";

/** One change of the store; for `removed`, the alert as it was last stored. */
export interface AlertChange {
  readonly kind: AlertChangeKind;
  readonly alert: StoredAlert;
}

/** Receives every change of the store, synchronously: it must not block. */
export type AlertWatcher = (change: AlertChange) => void;

/** The alerts the notifier knows, by fingerprint. */
export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly listeners = new Set<AlertListener>();
  private readonly watchers = new Set<AlertWatcher>();

  /** Stores alerts, merging each with the stored one when their active ranges overlap. */
  put(alerts: readonly StoredAlert[], now: number): void {
    for (let alert of alerts) {
      const old = this.alerts.get(alert.fingerprint);
      if (old !== undefined && overlaps(old, alert)) alert = mergeAlerts(old, alert, now);
      this.alerts.set(alert.fingerprint, alert);
      for (const listen of this.listeners) listen(alert);
      this.announce(old, alert, now);
    }
  }

  /**
   * Stores an alert as it is, without merging (a copy of one merged elsewhere, such as the
   * shared alerts in NATS KV); announced like a put.
   */
  replace(alert: StoredAlert, now = Date.now()): void {
    const old = this.alerts.get(alert.fingerprint);
    this.alerts.set(alert.fingerprint, alert);
    for (const listen of this.listeners) listen(alert);
    this.announce(old, alert, now);
  }

  /** Forgets the alert with this fingerprint (removed elsewhere); true when it was stored. */
  delete(fp: string): boolean {
    const old = this.alerts.get(fp);
    if (old === undefined) return false;
    this.alerts.delete(fp);
    this.tell({ kind: "removed", alert: old });
    return true;
  }

  /** The stored alert with this fingerprint. */
  get(fp: string): StoredAlert | undefined {
    return this.alerts.get(fp);
  }

  /** Every stored alert, resolved ones included until collected. */
  list(): StoredAlert[] {
    return [...this.alerts.values()];
  }

  /** The alerts firing at `now`. */
  firing(now: number): StoredAlert[] {
    return this.list().filter((a) => !isResolved(a, now));
  }

  /** Removes the alerts resolved at `now`; returns how many. */
  collect(now: number): number {
    let n = 0;
    for (const [fp, a] of this.alerts) {
      if (isResolved(a, now)) {
        this.alerts.delete(fp);
        this.tell({ kind: "removed", alert: a });
        n++;
      }
    }
    return n;
  }

  /** Calls `listen` with every alert put from now on; returns the unsubscribe. */
  subscribe(listen: AlertListener): () => void {
    this.listeners.add(listen);
    return () => this.listeners.delete(listen);
  }

  /**
   * Calls `watch` with every change from now on (added, updated, resolved, removed); returns
   * the unsubscribe. An alert resolved by its `endsAt` passing, with nothing received, is
   * announced when it is collected (removed).
   */
  watch(watch: AlertWatcher): () => void {
    this.watchers.add(watch);
    return () => this.watchers.delete(watch);
  }

  private announce(old: StoredAlert | undefined, alert: StoredAlert, now: number): void {
    if (this.watchers.size === 0 || (old !== undefined && same(old, alert))) return;
    const resolved = isResolved(alert, now);
    const wasFiring = old !== undefined && !isResolved(old, now);
    // A new alert, or a resolved one firing again, is added; a firing one ending is resolved.
    let kind: AlertChangeKind = "updated";
    if (!wasFiring && !resolved) kind = "added";
    else if (resolved && (wasFiring || old === undefined)) kind = "resolved";
    this.tell({ kind, alert });
  }

  private tell(change: AlertChange): void {
    for (const watch of this.watchers) watch(change);
  }

  /** How many alerts are stored. */
  get size(): number {
    return this.alerts.size;
  }
}

/** Whether two versions of an alert are one (a shared alert's echo): nothing to announce. */
function same(a: StoredAlert, b: StoredAlert): boolean {
  return a.updatedAt === b.updatedAt && a.startsAt === b.startsAt && a.endsAt === b.endsAt;
}

/** Alertmanager's test for merging: the new alert's start or end falls inside the old one's range. */
function overlaps(old: StoredAlert, a: StoredAlert): boolean {
  return (
    (a.endsAt > old.startsAt && a.endsAt < old.endsAt) ||
    (a.startsAt > old.startsAt && a.startsAt < old.endsAt)
  );
}
