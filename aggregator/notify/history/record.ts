/**
 * Alert history records: every state change of an alert and every notification attempt, as
 * log lines of Outpost's own log pipeline. A record is one JSON line (so `| json` reads it in
 * LogQL) in a stream `{job="outpost", stream="alert_history", kind, alertname | receiver}`,
 * with an `id` derived from what it records. Records go out in batches whose message id is
 * derived from their records' ids, so a batch written twice (a re-evaluation, a takeover that
 * groups records the same way) is dropped by JetStream as a duplicate; the API drops repeated
 * ids for the rest.
 */
import { createHash } from "node:crypto";
import { type Labels, labelsFromRecord } from "../../../shared/model/labels.ts";
import { type LogRecord, NS_PER_MS } from "../../../shared/model/log.ts";
import { OWN_LOGS_JOB } from "../../storage/catalog/entry.ts";

/**
 * The `job` label of history streams: Outpost's own, so they are kept in files of their own
 * (with `alerting.history.retention`), and queries naming the job skip other files.
 */
export const HISTORY_JOB = OWN_LOGS_JOB;
/** The `stream` label of history streams. */
export const HISTORY_STREAM = "alert_history";

/** The states an alert's history records. */
export type HistoryState = "pending" | "firing" | "resolved" | "silenced" | "inhibited" | "unmuted";

/** One state change of one alert. */
export interface StateRecord {
  readonly kind: "state";
  /** The record's identity (historyRecordId()); in every line written since batching. */
  readonly id?: string;
  /** When the change happened, Unix ms. */
  readonly time: number;
  readonly state: HistoryState;
  /** Who saw it: the rule evaluator or the notifier. */
  readonly source: "rules" | "notifier";
  readonly alertname: string;
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The rule's sample value (rules only). */
  readonly value?: number;
  /** `<file>;<group>` of the rule (rules only). */
  readonly ruleGroup?: string;
  readonly startsAt?: number;
  /** The ids of the silences muting the alert (`silenced`). */
  readonly silencedBy?: readonly string[];
  /** The fingerprint of the alert inhibiting it (`inhibited`). */
  readonly inhibitedBy?: readonly string[];
}

/** One attempt to send one notification through one integration. */
export interface NotificationRecord {
  readonly kind: "notification";
  /** The record's identity (historyRecordId()); in every line written since batching. */
  readonly id?: string;
  /** When the attempt started, Unix ms. */
  readonly time: number;
  readonly receiver: string;
  /** `receiver/kind/index`, as the notification log and the notifier's logs name it. */
  readonly integration: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly { fingerprint: string; alertname: string; status: string }[];
  /** `retry`: failed, and will be tried again before the flush's deadline. */
  readonly outcome: "success" | "failed" | "retry";
  /** Why it failed (`clientError`, `serverError`, `timeout`, `other`). */
  readonly reason?: string;
  readonly error?: string;
  readonly latencyMs: number;
  /** 1 for the first attempt of a flush, 2 for its first retry, … */
  readonly attempt: number;
}

/** A history record. */
export type HistoryRecord = StateRecord | NotificationRecord;

/** The log record of a history record: its stream labels, time and JSON line with its `id` first. */
export function toLogRecord(r: HistoryRecord, id = historyRecordId(r)): LogRecord {
  return {
    timeNs: BigInt(Math.round(r.time)) * NS_PER_MS,
    labels: streamLabels(r),
    // `{ id, ...r }` without copying the record (10,000 firing alerts are 10,000 records).
    line:
      "id" in r
        ? JSON.stringify({ id, ...r })
        : `{"id":${JSON.stringify(id)},${JSON.stringify(r).slice(1)}`,
    fields: [],
  };
}

/** Stream label sets by kind and alert or receiver name, shared by their records; bounded. */
const streams = new Map<string, Labels>();
const MAX_STREAMS = 10_000;

/** `{job, stream, kind, alertname | receiver}` of a record. */
function streamLabels(r: HistoryRecord): Labels {
  const value = r.kind === "state" ? r.alertname : r.receiver;
  const key = `${r.kind}\xff${value}`;
  let labels = streams.get(key);
  if (labels === undefined) {
    if (streams.size >= MAX_STREAMS) streams.clear();
    labels = labelsFromRecord({
      job: HISTORY_JOB,
      stream: HISTORY_STREAM,
      kind: r.kind,
      [r.kind === "state" ? "alertname" : "receiver"]: value,
    });
    streams.set(key, labels);
  }
  return labels;
}

/**
 * The id of a record, from its identity: who saw it (rules or notifier), an alert's
 * fingerprint, state and the time of the change; an integration's key, group key, attempt time
 * and number. The same record from another aggregator (or a second evaluation of one tick) has
 * the same id.
 */
export function historyRecordId(r: HistoryRecord): string {
  const identity =
    r.kind === "state"
      ? [
          r.source,
          r.fingerprint,
          r.state,
          r.time,
          ...(r.silencedBy ?? []),
          ...(r.inhibitedBy ?? []),
        ]
      : [r.integration, r.groupKey, r.time, r.attempt];
  return `${r.kind}-${sha256(identity.join("\xff"))}`;
}

/** The message id of a record published on its own (the unbatched writer's, and before batching). */
export function historyMsgId(tenant: string, r: HistoryRecord): string {
  return `history-${tenant}-${historyRecordId(r)}`;
}

/**
 * The message id of a batch from its records' ids, in order: the same batch sent again is a
 * duplicate. A batch of one keeps the record's own message id.
 */
export function historyBatchMsgId(tenant: string, ids: readonly string[]): string {
  if (ids.length === 1) return `history-${tenant}-${ids[0]}`;
  return `history-${tenant}-batch-${sha256(ids.join(" "))}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

/**
 * An error message without URLs: a webhook's URL, and a Slack or Telegram API URL, may hold
 * the token that authenticates it.
 */
export function withoutUrls(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, "<url>");
}
