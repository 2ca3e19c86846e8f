/** The rule evaluator's side of alert history: its alerts' state changes as records. */
import type { RuleAlertChange } from "../../rules/eval/deps.ts";
import { labelsRecord } from "../../rules/eval/output.ts";
import { fingerprint } from "../fingerprint.ts";
import type { StateRecord } from "./record.ts";

/** The records of one evaluation's state changes of a group's alerts. */
export function ruleStateRecords(
  group: { file: string; name: string },
  changes: readonly RuleAlertChange[],
): StateRecord[] {
  return changes.map((c) => {
    const labels = labelsRecord(c.alert.labels);
    return {
      kind: "state",
      time: c.time,
      state: c.state,
      source: "rules",
      alertname: c.rule,
      fingerprint: fingerprint(labels),
      labels,
      annotations: { ...c.alert.annotations },
      // JSON has no NaN or Inf: those values are written as text.
      value: c.alert.value,
      ruleGroup: `${group.file};${group.name}`,
      startsAt: c.state === "pending" ? c.alert.activeAt : c.alert.firedAt || c.alert.activeAt,
    };
  });
}
