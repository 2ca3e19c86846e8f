/**
 * The data a notification is made from, as Alertmanager's `template.Data` holds it: the
 * receiver (regex-quoted, as Alertmanager writes it), the group's status, its alerts with
 * their status and fingerprint, and the labels and annotations all of them share.
 */
import { goJsonTime } from "../../../shared/time/go_json.ts";
import { isResolved, type StoredAlert } from "../alerts.ts";
import type { LabelSet } from "../route/route.ts";

/** One alert of a notification. */
export interface AlertData {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** A notification's data. */
export interface NotificationData {
  receiver: string;
  status: "firing" | "resolved";
  alerts: AlertData[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** The pairs every set holds with the same value. */
function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const set of sets.slice(1)) {
    for (const k of Object.keys(out)) if (set[k] !== out[k]) delete out[k];
  }
  return out;
}

/** The data for `alerts` (already sorted) sent to `receiver` at `now`. */
export function notificationData(
  receiver: string,
  groupLabels: LabelSet,
  alerts: readonly StoredAlert[],
  now: number,
  externalURL: string,
): NotificationData {
  const data: AlertData[] = alerts.map((a) => ({
    status: isResolved(a, now) ? "resolved" : "firing",
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    // As Alertmanager's JSON writes them: a whole second without a fraction, 0 as Go's zero time.
    startsAt: goJsonTime(a.startsAt),
    endsAt: goJsonTime(a.endsAt),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  }));
  return {
    receiver: quoteMeta(receiver),
    status: data.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts: data,
    groupLabels: { ...groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL,
  };
}
