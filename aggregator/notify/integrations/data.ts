/**
 * The data a notification is made from, as Alertmanager's `template.Data` holds it: the
 * receiver (regex-quoted, as Alertmanager writes it), the group's status, its alerts with
 * their status and fingerprint, and the labels and annotations all of them share.
 *
 * The same shapes as the dispatcher's `notify/receivers/data.ts`; one copy goes at merge.
 */

/** Go's zero time as Alertmanager prints an unresolved alert's `endsAt`. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

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
