/**
 * `GET /api/v2/alerts/groups` as Alertmanager 0.25 answers it. The groups are rebuilt from the
 * stored alerts by the routing tree, not read from a dispatcher: routing is deterministic, so
 * every aggregator sharing the alerts answers the same, dispatching or not.
 */
import type { StoredAlert } from "../alerts.ts";
import { compareAlerts, compareLabelSets } from "../dispatch/sort.ts";
import type { Notifier } from "../notifier.ts";
import { groupKey, groupLabels, type LabelSet, matchRoutes, type Route } from "../route/route.ts";
import {
  type AlertFilter,
  type AlertStatus,
  byName,
  gettable,
  type ListedAlert,
  passes,
  statusReader,
} from "./gettable.ts";

/** One aggregation group as listed. */
interface Group {
  readonly labels: LabelSet;
  readonly receiver: string;
  readonly alerts: StoredAlert[];
}

/** A listed alert's status and the receivers of the groups it is in. */
interface Listed {
  readonly status: AlertStatus;
  readonly receivers: string[];
}

/**
 * The groups holding the firing alerts that pass the filter (a `receiver` filter picks
 * routes), sorted as 0.25 sorts them: by group labels (`LabelSet.Before`), then receiver; the
 * alerts of each as in a notification. Each alert lists the receivers of the groups it is
 * listed in, sorted, as 0.25 does (a receiver twice when two of its routes hold it).
 */
export function alertGroups(notifier: Notifier, f: AlertFilter) {
  return findAlertGroups(notifier, f).map((g) => ({
    alerts: g.alerts.map((l) => gettable(l.alert, l.receivers, l.status)),
    labels: byName(g.labels),
    receiver: { name: g.receiver },
  }));
}

/** A listed group: its labels, its route's receiver and its alerts in notification order. */
export interface ListedGroup {
  readonly labels: LabelSet;
  readonly receiver: string;
  readonly alerts: ListedAlert[];
}

/** The groups of `alertGroups()`, before they are written as JSON. */
export function findAlertGroups(notifier: Notifier, f: AlertFilter): ListedGroup[] {
  const now = notifier.clock.now();
  const statusOf = statusReader(notifier, now);
  const byRoute = new Map<Route, Map<string, Group>>();
  const listed = new Map<string, Listed>();
  for (const a of notifier.store.firing(now)) {
    const routes = matchRoutes(notifier.root, a.labels).filter(
      (r) => !f.receiver || f.receiver.test(r.opts.receiver),
    );
    const status = statusOf(a);
    if (routes.length === 0 || !passes(f, status, a.labels)) continue;
    const entry: Listed = { status, receivers: [] };
    listed.set(a.fingerprint, entry);
    for (const route of routes) {
      const groups = byRoute.get(route) ?? new Map<string, Group>();
      byRoute.set(route, groups);
      const key = groupKey(route, a.labels);
      const receiver = route.opts.receiver;
      const group = groups.get(key) ?? {
        labels: groupLabels(route, a.labels),
        receiver,
        alerts: [],
      };
      groups.set(key, group);
      group.alerts.push(a);
      entry.receivers.push(receiver);
    }
  }
  const all = [...byRoute.values()].flatMap((m) => [...m.values()]);
  all.sort((x, y) => compareLabelSets(x.labels, y.labels) || cmp(x.receiver, y.receiver));
  return all.map((g) => ({
    labels: g.labels,
    receiver: g.receiver,
    alerts: g.alerts.sort(compareAlerts).map((alert) => {
      const { status, receivers } = listed.get(alert.fingerprint) as Listed;
      return { alert, receivers: receivers.sort(), status };
    }),
  }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
