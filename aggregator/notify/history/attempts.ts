/** The notification record of one delivery attempt (see deliver.ts). */
import { isResolved, type StoredAlert } from "../alerts.ts";
import type { SendResult } from "../receivers/integration.ts";
import type { LabelSet } from "../route/route.ts";
import { type NotificationRecord, withoutUrls } from "./record.ts";

/** What an attempt was about. */
export interface AttemptFacts {
  readonly receiver: string;
  readonly integration: string;
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly alerts: readonly StoredAlert[];
  /** The flush time: which alerts were resolved. */
  readonly now: number;
  /** When the attempt started, Unix ms. */
  readonly started: number;
  readonly latencyMs: number;
  readonly attempt: number;
}

/** A notification record from an attempt's facts and result; `final` when no retry follows. */
export function attemptRecord(
  f: AttemptFacts,
  result: SendResult,
  final: boolean,
): NotificationRecord {
  return {
    kind: "notification",
    time: f.started,
    receiver: f.receiver,
    integration: f.integration,
    groupKey: f.groupKey,
    groupLabels: f.groupLabels,
    alerts: f.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      alertname: a.labels.alertname ?? "",
      status: isResolved(a, f.now) ? "resolved" : "firing",
    })),
    outcome: result.ok ? "success" : final ? "failed" : "retry",
    latencyMs: Math.round(f.latencyMs * 10) / 10,
    attempt: f.attempt,
    ...(result.ok ? {} : { reason: result.reason, error: withoutUrls(result.message) }),
  };
}
