/**
 * Rule groups evaluated over a test's storage as `promtool test rules` evaluates them: every
 * group at every tick, in the test file's order, each rule's output (recording series,
 * `ALERTS`, `ALERTS_FOR_STATE`, staleness markers for what vanished) written to the storage
 * at once, so the next rule and the next tick read it, as Prometheus commits each rule's
 * output before the next runs. Alerts go through the evaluator's AlertingState.
 */
import { formatDuration } from "../../../shared/time/duration.ts";
import type { MemorySample, MemoryStorage } from "../../storage/memory.ts";
import type { RuleEngine } from "../eval/deps.ts";
import type { OutputSample } from "../eval/output.ts";
import { recordingOutput, resultSamples } from "../eval/recording.ts";
import { RuleState } from "../eval/rule_state.ts";
import { type ExpandTemplate, prometheusExpander } from "../eval/template.ts";
import type { RuleGroup } from "../model.ts";
import type { TestAlert } from "./format.ts";

/** What templates see besides the alert: `$externalLabels`, `$externalURL`. */
export interface TestContext {
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
}

/** The groups of a test, their rule states kept across ticks. */
export class GroupRun {
  private readonly groups: { group: RuleGroup; rules: RuleState[] }[];
  private readonly expand: ExpandTemplate;

  constructor(
    groups: readonly RuleGroup[],
    private readonly storage: MemoryStorage,
    private readonly engine: RuleEngine,
    private readonly ctx: TestContext,
  ) {
    this.groups = groups.map((group) => ({
      group,
      rules: group.rules.map((rule) => {
        const state = new RuleState(rule);
        // No restart to restore from: ALERTS* are written from the first tick.
        if (state.alerting) state.alerting.restored = true;
        return state;
      }),
    }));
    this.expand = prometheusExpander(engine, storage);
  }

  /**
   * Evaluates every group at `ts`, in order; the rules that failed, one line each in
   * promtool's wording (`    rule: NAME, time: 1m0s, err: …`).
   */
  async evaluate(ts: number): Promise<string[]> {
    const failed: string[] = [];
    for (const { group, rules } of this.groups)
      for (const state of rules) {
        const error = await this.evaluateRule(group, state, ts);
        if (error !== null)
          failed.push(`    rule: ${state.rule.name}, time: ${formatDuration(ts)}, err: ${error}`);
      }
    return failed;
  }

  /** The firing alerts named `alertname` now, sorted by labels (pending ones are not shown). */
  firing(alertname: string): TestAlert[] {
    const out: TestAlert[] = [];
    for (const { rules } of this.groups)
      for (const state of rules) {
        if (!state.alerting || state.rule.name !== alertname) continue;
        for (const a of state.alerting.active.values())
          if (a.state === "firing") out.push({ labels: a.labels, annotations: a.annotations });
      }
    return out;
  }

  /** Evaluates one rule and writes its output; its error's message, null when it ran. */
  private async evaluateRule(
    group: RuleGroup,
    state: RuleState,
    ts: number,
  ): Promise<string | null> {
    try {
      const { result } = await this.engine.instantQuery(this.storage, state.rule.expr, ts, {
        origin: "rule",
      });
      const output = state.alerting
        ? await state.alerting.apply(resultSamples(result), ts, {
            expand: this.expand,
            externalLabels: this.ctx.externalLabels,
            externalURL: this.ctx.externalURL,
            limit: group.limit,
          })
        : recordingOutput(state.rule as Parameters<typeof recordingOutput>[0], result, group.limit);
      this.write(output, ts);
      for (const labels of state.vanished(output)) this.storage.append(labels, [[ts, "stale"]]);
      return null;
    } catch (error) {
      // A failing rule writes nothing; the other rules of the tick still run, as in a group.
      return error instanceof Error ? error.message : String(error);
    }
  }

  private write(output: readonly OutputSample[], ts: number): void {
    for (const s of output) {
      const sample: MemorySample = [ts, s.value];
      this.storage.append(s.labels, [sample]);
    }
  }
}
