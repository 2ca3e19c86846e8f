/**
 * The Alerts tab's list as the browser shapes it: the server's groups filtered by the box's
 * matchers on every keystroke (the server is asked again only once typing pauses), and cut into
 * pages so that 10,000 alerts never become 10,000 DOM rows.
 */
import type { LabelPairs } from "./alerts.ts";

/** A group as ListAlertGroups gives it (the fields the list reads). */
export interface GroupLike {
  alerts: readonly { labels: LabelPairs }[];
}

/** The groups with only the alerts `keep` accepts; groups left empty are dropped. */
export function filterGroups<G extends GroupLike>(
  groups: readonly G[],
  keep: (labels: LabelPairs) => boolean,
): G[] {
  const out: G[] = [];
  for (const g of groups) {
    const alerts = g.alerts.filter((a) => keep(a.labels));
    if (alerts.length > 0) out.push(alerts.length === g.alerts.length ? g : { ...g, alerts });
  }
  return out;
}

/** Alerts shown per page. */
export const PAGE_SIZE = 50;

/**
 * Page `page` (from 1) of the alerts in group order: the groups it touches, each with only the
 * alerts on the page, and the group's full count so its header still says how many it has.
 */
export function pageOf<G extends GroupLike>(
  groups: readonly G[],
  page: number,
  size = PAGE_SIZE,
): { group: G; alerts: G["alerts"] }[] {
  const from = (page - 1) * size;
  const to = from + size;
  const out: { group: G; alerts: G["alerts"] }[] = [];
  let at = 0;
  for (const g of groups) {
    const end = at + g.alerts.length;
    if (end > from && at < to)
      out.push({ group: g, alerts: g.alerts.slice(Math.max(0, from - at), to - at) });
    at = end;
    if (at >= to) break;
  }
  return out;
}

/** How many alerts the groups hold. */
export function alertCount(groups: readonly { alerts: readonly unknown[] }[]): number {
  let n = 0;
  for (const g of groups) n += g.alerts.length;
  return n;
}
