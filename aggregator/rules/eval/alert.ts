/**
 * One alert of an alerting rule, with the times Prometheus keeps for it (all Unix ms, 0 for
 * "never"), and the values the API and the notifier read off it.
 */
import { type Labels, labelsKey, labelValue } from "../../../shared/model/labels.ts";
import { withLabels } from "./output.ts";

/** Prometheus's alert states; `inactive` is a resolved alert kept for the notifier. */
export type AlertState = "inactive" | "pending" | "firing";

/** An alert as the rule keeps it between evaluations. */
export interface Alert {
  /** Series labels, rule labels (expanded) and `alertname`, sorted. */
  readonly labels: Labels;
  annotations: Record<string, string>;
  /** The sample value of the last evaluation that returned the alert's series. */
  value: number;
  state: AlertState;
  /** When the condition started to hold (the evaluation time that first saw it). */
  activeAt: number;
  /** When it became firing. */
  firedAt: number;
  /** When it was resolved (became inactive). */
  resolvedAt: number;
  /** When the notifier was last given it. */
  lastSentAt: number;
  /** Until when the last notification holds it firing (Alertmanager's `endsAt`). */
  validUntil: number;
  /** Since when it keeps firing without its condition (`keep_firing_for`). */
  keepFiringSince: number;
}

/** An alert handed to the notifier, as Prometheus's notifier receives one. */
export interface NotifiedAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  /** `FiredAt` of the alert. */
  readonly startsAt: number;
  /** `ResolvedAt` for a resolved alert, else `ValidUntil`. */
  readonly endsAt: number;
  /** The external URL's graph link for the rule's expression. */
  readonly generatorURL: string;
}

/**
 * The alerts as Prometheus's notifier sends them: each of `global.external_labels` the alert
 * does not carry is added. Only what is sent carries them; the rule's own state (`ALERTS`,
 * `/api/v1/alerts`) does not, as in Prometheus.
 */
export function withExternalLabels(
  alerts: NotifiedAlert[],
  external: Readonly<Record<string, string>>,
): NotifiedAlert[] {
  const entries = Object.entries(external);
  if (entries.length === 0) return alerts;
  return alerts.map((alert) => {
    const missing = entries.filter(([name]) => labelValue(alert.labels, name) === "");
    if (missing.length === 0) return alert;
    return { ...alert, labels: withLabels(alert.labels, Object.fromEntries(missing)) };
  });
}

/** A fresh pending alert seen at `ts`. */
export function newAlert(
  labels: Labels,
  annotations: Record<string, string>,
  value: number,
  ts: number,
): Alert {
  return {
    labels,
    annotations,
    value,
    state: "pending",
    activeAt: ts,
    firedAt: 0,
    resolvedAt: 0,
    lastSentAt: 0,
    validUntil: 0,
    keepFiringSince: 0,
  };
}

/** Keys of label sets an evaluation writes again and again (ALERTS*, reused expansions). */
const keys = new WeakMap<Labels, string>();

/**
 * {@link labelsKey}, kept with the label set: a rule's output reaches several maps (its
 * duplicate check, the series it wrote for staleness) and ALERTS* label sets live as long as
 * their alert's state, so the key is built once, not at every lookup. Label sets are never
 * changed once built, which is what makes the key safe to keep.
 */
export function heldLabelsKey(labels: Labels): string {
  let key = keys.get(labels);
  if (key === undefined) {
    key = labelsKey(labels);
    keys.set(labels, key);
  }
  return key;
}

/**
 * Whether the notifier should be given the alert at `ts` (Prometheus's `needsSending`):
 * never while pending; at once when resolved since the last send; else every `resendDelay`.
 */
export function needsSending(a: Alert, ts: number, resendDelay: number): boolean {
  if (a.state === "pending") return false;
  if (a.resolvedAt > a.lastSentAt) return true;
  return a.lastSentAt + resendDelay < ts;
}
