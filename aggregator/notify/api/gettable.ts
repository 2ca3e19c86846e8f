/**
 * What `GET /api/v2/alerts` and `GET /api/v2/alerts/groups` share: their query filters, an
 * alert's status (the silences and the inhibiting alert that mute it), and Alertmanager 0.25's
 * gettable alert.
 */
import { compileRegex } from "../../../shared/regex/regex.ts";
import type { StoredAlert } from "../alerts.ts";
import { fingerprint } from "../fingerprint.ts";
import { inhibitedBy } from "../inhibit.ts";
import { type Matcher, matchesAll, parseMatcher } from "../matchers.ts";
import type { Notifier } from "../notifier.ts";
import { type LabelSet, matchRoutes } from "../route/route.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What go-swagger's boolean parameters read as true; anything else is false, never an error
 * (`?active=maybe` lists as `active=false` in 0.25).
 */
const TRUE = new Set(["true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"]);

/** The query filters of the alert listings. */
export interface AlertFilter {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
  receiver?: { test(s: string): boolean };
  matchers: Matcher[];
}

/** Reads the filters; throws on a bad matcher or receiver regex. */
export function readFilter(q: URLSearchParams): AlertFilter {
  const flag = (name: string) => {
    const v = q.get(name);
    return v === null || TRUE.has(v.toLowerCase());
  };
  return alertFilter({
    active: flag("active"),
    silenced: flag("silenced"),
    inhibited: flag("inhibited"),
    unprocessed: flag("unprocessed"),
    receiver: q.get("receiver") ?? "",
    matchers: q.getAll("filter"),
  });
}

/** The filter as written (matchers and receiver regex as text), whatever the transport. */
export interface FilterText {
  readonly active: boolean;
  readonly silenced: boolean;
  readonly inhibited: boolean;
  readonly unprocessed: boolean;
  /** A regex, "" for any receiver. */
  readonly receiver: string;
  readonly matchers: readonly string[];
}

/** The filter compiled; throws MatcherError on a bad matcher, a SyntaxError on a bad regex. */
export function alertFilter(t: FilterText): AlertFilter {
  return {
    active: t.active,
    silenced: t.silenced,
    inhibited: t.inhibited,
    unprocessed: t.unprocessed,
    receiver: t.receiver ? receiverRegex(t.receiver) : undefined,
    matchers: t.matchers.map(parseMatcher),
  };
}

/** The `receiver` parameter compiled; a bad one is said as Alertmanager says it. */
function receiverRegex(text: string) {
  try {
    return compileRegex(text);
  } catch (error) {
    throw new SyntaxError(`failed to parse receiver param: ${(error as Error).message}`);
  }
}

/** Why an alert is muted now: the ids of the silences and the inhibiting alert's fingerprint. */
export interface AlertStatus {
  readonly inhibitedBy: string[];
  readonly silencedBy: string[];
}

/**
 * The status of each alert by the alerts firing now; built once per request, as a per-alert
 * copy of the firing alerts made a list of n alerts cost n².
 */
export function statusReader(notifier: Notifier, now: number): (a: StoredAlert) => AlertStatus {
  const rules = notifier.config.inhibitRules;
  const sources = rules.length > 0 ? notifier.store.firing(now).map((x) => x.labels) : [];
  return (a) => {
    const by = inhibitedBy(rules, a.labels, sources);
    return {
      inhibitedBy: by ? [fingerprint(by.source)] : [],
      silencedBy: [...(notifier.options.silenced?.(a.labels, now) ?? [])],
    };
  };
}

/** Whether an alert of this status and labels passes the filter (its receiver aside). */
export function passes(f: AlertFilter, status: AlertStatus, labels: LabelSet): boolean {
  if (!matchesAll(f.matchers, labels)) return false;
  const silenced = status.silencedBy.length > 0;
  const inhibited = status.inhibitedBy.length > 0;
  if (silenced && !f.silenced) return false;
  if (inhibited && !f.inhibited) return false;
  return silenced || inhibited || f.active;
}

/** A listed alert: as stored, its receivers (one per matching route) and its status. */
export interface ListedAlert {
  readonly alert: StoredAlert;
  readonly receivers: readonly string[];
  readonly status: AlertStatus;
}

/** The firing alerts that pass the filter, sorted by fingerprint (`GET /api/v2/alerts`). */
export function findAlerts(notifier: Notifier, f: AlertFilter): ListedAlert[] {
  const now = notifier.clock.now();
  const statusOf = statusReader(notifier, now);
  const out: ListedAlert[] = [];
  for (const alert of notifier.store.firing(now)) {
    // One entry per matching route, a receiver twice when two routes name it, as 0.25 lists.
    const receivers = matchRoutes(notifier.root, alert.labels).map((r) => r.opts.receiver);
    if (f.receiver && !receivers.some((r) => f.receiver?.test(r))) continue;
    const status = statusOf(alert);
    if (passes(f, status, alert.labels)) out.push({ alert, receivers, status });
  }
  return out.sort((x, y) => (x.alert.fingerprint < y.alert.fingerprint ? -1 : 1));
}

/** Alertmanager's gettable alert. */
export function gettable(a: StoredAlert, receivers: readonly string[], status: AlertStatus) {
  const suppressed = status.inhibitedBy.length > 0 || status.silencedBy.length > 0;
  return {
    annotations: byName(a.annotations),
    endsAt: iso(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: iso(a.startsAt),
    status: { ...status, state: suppressed ? "suppressed" : "active" },
    updatedAt: iso(a.updatedAt),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    labels: byName(a.labels),
  };
}

/**
 * A label set with its names in order, as Go writes a map in JSON: a sender's order is kept in
 * the store, but listings and amtool's JSON output show them sorted, as from Alertmanager.
 */
export function byName(set: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(set).sort()) out[name] = set[name];
  return out;
}
