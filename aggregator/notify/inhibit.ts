/**
 * Inhibition as Alertmanager decides it: an alert is muted when it matches a rule's target
 * matchers while a firing alert matches its source matchers and has the same values for the
 * rule's `equal` labels (an absent label reads as ""). When the muted alert would also be a
 * source of the rule, sources that are themselves targets do not count, so alerts matching
 * both sides cannot mute each other.
 */
import type { InhibitRule } from "./config/model.ts";
import { matchesAll } from "./matchers.ts";
import type { LabelSet } from "./route/route.ts";

const value = (labels: LabelSet, name: string) => (Object.hasOwn(labels, name) ? labels[name] : "");

/** The first rule and source alert that mute `labels`, or undefined when nothing does. */
export function inhibitedBy(
  rules: readonly InhibitRule[],
  labels: LabelSet,
  firing: readonly LabelSet[],
): { rule: InhibitRule; source: LabelSet } | undefined {
  for (const rule of rules) {
    if (!matchesAll(rule.targetMatchers, labels)) continue;
    const twoSided = matchesAll(rule.sourceMatchers, labels);
    for (const source of firing) {
      if (!matchesAll(rule.sourceMatchers, source)) continue;
      if (twoSided && matchesAll(rule.targetMatchers, source)) continue;
      if (rule.equal.every((name) => value(source, name) === value(labels, name))) {
        return { rule, source };
      }
    }
  }
  return undefined;
}

/** Whether an alert with `labels` is inhibited by any of the firing alerts. */
export function isInhibited(
  rules: readonly InhibitRule[],
  labels: LabelSet,
  firing: readonly LabelSet[],
): boolean {
  return inhibitedBy(rules, labels, firing) !== undefined;
}
