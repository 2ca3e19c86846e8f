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
  /**
   * Series written by the last successful evaluation, by label key, each with the number of
   * the evaluation that last wrote it: the map is updated in place rather than rebuilt, as a
   * rule writes mostly the same series every time.
   */
  private previous = new Map<string, { labels: Labels; seen: number }>();
  /** The number of the last evaluation recorded by vanished(). */
  private generation = 0;
  /** The label sets of the last output, in its order. */
  private last: readonly Labels[] = [];

  constructor(readonly rule: Rule) {
    this.alerting = rule.type === "alerting" ? new AlertingState(rule) : null;
  }

  /**
   * Records what an evaluation wrote; returns the series written before and not now.
   * `reference`: no shortcut for an output of the same label sets as the last.
   */
  vanished(output: readonly OutputSample[], reference = false): Labels[] {
    // The same label sets as last time, in the same order (an alert's ALERTS* are built once
    // per state): the map already holds exactly them.
    if (!reference && sameLabelSets(this.last, output)) return [];
    this.last = output.map((s) => s.labels);
    const seen = ++this.generation;
    for (const s of output) {
      const key = heldLabelsKey(s.labels);
      const known = this.previous.get(key);
      if (known) {
        known.labels = s.labels;
        known.seen = seen;
      } else this.previous.set(key, { labels: s.labels, seen });
    }
    const gone: Labels[] = [];
    for (const [key, known] of this.previous) {
      if (known.seen === seen) continue;
      gone.push(known.labels);
      this.previous.delete(key);
    }
    return gone;
  }

  /** Every series the last evaluation wrote (for staleness when the group goes away). */
  written(): Labels[] {
    return [...this.previous.values()].map((w) => w.labels);
  }

  /** Forgets alerts and written series: another aggregator evaluates the group now. */
  reset(): void {
    this.previous.clear();
    this.last = [];
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
    this.generation = old.generation;
    this.last = old.last;
    if (this.alerting && old.alerting) {
      for (const [k, a] of old.alerting.active) this.alerting.active.set(k, a);
      this.alerting.restored = old.alerting.restored;
    }
  }
}

/** True when `output` holds the label sets `last` (the same objects), in the same order. */
function sameLabelSets(last: readonly Labels[], output: readonly OutputSample[]): boolean {
  if (last.length !== output.length || last.length === 0) return false;
  for (let i = 0; i < last.length; i++) if (last[i] !== output[i].labels) return false;
  return true;
}
