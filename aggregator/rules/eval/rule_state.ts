/**
 * What the evaluator keeps per rule between evaluations: its health for the API, the series
 * it wrote last time (so that the ones gone get a staleness marker), and for an alerting rule
 * its alerts.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { Rule } from "../model.ts";
import { heldLabelsKey } from "./alert.ts";
import { AlertingState } from "./alerting.ts";
import type { OutputSample } from "./output.ts";

/** A rule's health as the API names it. */
export type RuleHealth = "unknown" | "ok" | "err";

/** One rule's evaluation state. */
export class RuleState {
  health: RuleHealth = "unknown";
  lastError = "";
  /** Seconds the last evaluation took. */
  evaluationTime = 0;
  /** Wall time the last evaluation started, ms (0: never). */
  lastEvaluation = 0;
  /** The alerts, for an alerting rule. */
  readonly alerting: AlertingState | null;
  /** Series written by the last successful evaluation, by label key. */
  private previous = new Map<string, Labels>();

  constructor(readonly rule: Rule) {
    this.alerting = rule.type === "alerting" ? new AlertingState(rule) : null;
  }

  /** Records what an evaluation wrote; returns the series written before and not now. */
  vanished(output: readonly OutputSample[]): Labels[] {
    const now = new Map<string, Labels>();
    for (const s of output) now.set(heldLabelsKey(s.labels), s.labels);
    const gone: Labels[] = [];
    for (const [key, labels] of this.previous) if (!now.has(key)) gone.push(labels);
    this.previous = now;
    return gone;
  }

  /** Every series the last evaluation wrote (for staleness when the group goes away). */
  written(): Labels[] {
    return [...this.previous.values()];
  }

  /** Forgets alerts and written series: another aggregator evaluates the group now. */
  reset(): void {
    this.previous.clear();
    this.alerting?.active.clear();
    if (this.alerting) this.alerting.restored = false;
    this.health = "unknown";
    this.lastError = "";
  }

  /** Takes over the state of the same rule in the group's previous version (a reload). */
  copyFrom(old: RuleState): void {
    this.health = old.health;
    this.lastError = old.lastError;
    this.evaluationTime = old.evaluationTime;
    this.lastEvaluation = old.lastEvaluation;
    this.previous = old.previous;
    if (this.alerting && old.alerting) {
      for (const [k, a] of old.alerting.active) this.alerting.active.set(k, a);
      this.alerting.restored = old.alerting.restored;
    }
  }
}
