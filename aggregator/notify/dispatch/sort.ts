/**
 * The order of alerts in a notification, as Alertmanager sorts them: by the `job` label, then
 * `instance` (an alert with the label before one without), then by label set: fewer labels
 * first, then the first differing value in label-name order.
 */
import type { StoredAlert } from "../alerts.ts";
import type { LabelSet } from "../route/route.ts";

const OVERRIDES = ["job", "instance"] as const;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Compares label sets as Prometheus's `LabelSet.Before`. */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length - bn.length;
  for (const name of [...new Set([...an, ...bn])].sort()) {
    if (!Object.hasOwn(a, name)) return -1;
    if (!Object.hasOwn(b, name)) return 1;
    const c = cmp(a[name], b[name]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Compares two alerts for a notification. */
export function compareAlerts(x: StoredAlert, y: StoredAlert): number {
  for (const name of OVERRIDES) {
    const xs = Object.hasOwn(x.labels, name);
    const ys = Object.hasOwn(y.labels, name);
    if (!xs && !ys) continue;
    if (!xs) return 1;
    if (!ys) return -1;
    const c = cmp(x.labels[name], y.labels[name]);
    if (c !== 0) return c;
  }
  return compareLabelSets(x.labels, y.labels);
}
