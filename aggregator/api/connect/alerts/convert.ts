/**
 * The alerting side's answers as `outpost.alerts.v1` messages: label sets as name/value pairs
 * sorted by name, times as int64 ms (0 for "not set").
 */
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type {
  AlertSchema,
  HistoryRecordSchema,
  LabelSchema,
  RuleGroupSchema,
  RuleSchema,
  SilenceSchema,
} from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import type { ListedAlert } from "../../../notify/api/gettable.ts";
import type { HistoryRecord } from "../../../notify/history/record.ts";
import { type Silence, silenceState } from "../../../notify/silences/silence.ts";
import { exprToString } from "../../../promql/parser/format.ts";
import type { Alert as RuleAlert } from "../../../rules/eval/alert.ts";
import { labelsRecord } from "../../../rules/eval/output.ts";
import type { RuleState } from "../../../rules/eval/rule_state.ts";
import { activeAlerts, type SelectedGroup } from "../../http/rules.ts";

type Init<T extends DescMessage> = MessageInitShape<T>;

/** A label set (name → value) as pairs sorted by name. */
export function labelsOut(
  set: Readonly<Record<string, string>> | undefined,
): Init<typeof LabelSchema>[] {
  if (set === undefined) return [];
  return Object.keys(set)
    .sort()
    .map((name) => ({ name, value: set[name] }));
}

/** A notifier's alert with its receivers and status. */
export function alertOut(l: ListedAlert): Init<typeof AlertSchema> {
  const a = l.alert;
  const suppressed = l.status.inhibitedBy.length > 0 || l.status.silencedBy.length > 0;
  return {
    fingerprint: a.fingerprint,
    labels: labelsOut(a.labels),
    annotations: labelsOut(a.annotations),
    startsAtMs: BigInt(a.startsAt),
    endsAtMs: BigInt(a.endsAt),
    updatedAtMs: BigInt(a.updatedAt),
    generatorUrl: a.generatorURL,
    receivers: [...l.receivers],
    state: suppressed ? "suppressed" : "active",
    silencedBy: [...l.status.silencedBy],
    inhibitedBy: [...l.status.inhibitedBy],
  };
}

/** A rule group with the rules a filter selected. */
export function ruleGroupOut(
  s: SelectedGroup,
  excludeAlerts: boolean,
): Init<typeof RuleGroupSchema> {
  const g = s.group;
  return {
    name: g.group.name,
    file: g.group.file,
    rules: s.rules.map((r) => ruleOut(r, excludeAlerts)),
    intervalMs: BigInt(g.interval),
    limit: BigInt(g.group.limit),
    evaluationSeconds: g.evaluationTime,
    lastEvaluationMs: BigInt(g.lastEvaluation),
  };
}

function ruleOut(r: RuleState, excludeAlerts: boolean): Init<typeof RuleSchema> {
  const rule = r.rule;
  const common = {
    name: rule.name,
    query: exprToString(rule.query),
    labels: labelsOut(rule.labels),
    health: r.health,
    lastError: r.lastError,
    evaluationSeconds: r.evaluationTime,
    lastEvaluationMs: BigInt(r.lastEvaluation),
  };
  if (rule.type === "recording" || !r.alerting) return { ...common, type: "recording" };
  return {
    ...common,
    type: "alerting",
    annotations: labelsOut(rule.annotations),
    state: r.alerting.state,
    forMs: BigInt(rule.for),
    keepFiringForMs: BigInt(rule.keepFiringFor),
    alerts: excludeAlerts ? [] : activeAlerts(r).map(ruleAlertOut),
  };
}

function ruleAlertOut(a: RuleAlert) {
  return {
    labels: labelsOut(labelsRecord(a.labels)),
    annotations: labelsOut(a.annotations),
    state: a.state,
    activeAtMs: BigInt(a.activeAt),
    keepFiringSinceMs: BigInt(a.keepFiringSince),
    value: a.value,
  };
}

/** A silence and its state at `now`. */
export function silenceOut(s: Silence, now: number): Init<typeof SilenceSchema> {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => ({ ...m })),
    startsAtMs: BigInt(s.startsAt),
    endsAtMs: BigInt(s.endsAt),
    updatedAtMs: BigInt(s.updatedAt),
    createdBy: s.createdBy,
    comment: s.comment,
    state: silenceState(s, now),
  };
}

/** A history record, state or notification. */
export function historyOut(r: HistoryRecord): Init<typeof HistoryRecordSchema> {
  const timeMs = BigInt(r.time);
  if (r.kind === "notification") {
    const value = {
      ...r,
      groupLabels: labelsOut(r.groupLabels),
      alerts: r.alerts.map((a) => ({ ...a })),
      latencyMs: BigInt(Math.round(r.latencyMs)),
    };
    return { timeMs, record: { case: "notification", value } };
  }
  const value = {
    state: r.state,
    source: r.source,
    alertname: r.alertname,
    fingerprint: r.fingerprint,
    labels: labelsOut(r.labels),
    annotations: labelsOut(r.annotations),
    value: r.value,
    ruleGroup: r.ruleGroup ?? "",
    startsAtMs: BigInt(r.startsAt ?? 0),
    silencedBy: [...(r.silencedBy ?? [])],
    inhibitedBy: [...(r.inhibitedBy ?? [])],
  };
  return { timeMs, record: { case: "state", value } };
}
