/**
 * One rule group's evaluation: its rules in order at one timestamp, each reading the
 * recording rules before it (overlay.ts), the output and the staleness markers of vanished
 * series published as one batch, the alerts handed to the notifier, and on the first
 * evaluation after a start or a takeover the `for` state restored.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Value } from "../../../shared/metrics/registry.ts";
import { type Labels, labelValue } from "../../../shared/model/labels.ts";
import type { Rule, RuleGroup } from "../model.ts";
import { type NotifiedAlert, withExternalLabels } from "./alert.ts";
import type { EvaluatorDeps, RuleAlertChange } from "./deps.ts";
import type { RuleMetrics } from "./metrics.ts";
import type { OutputSample } from "./output.ts";
import { overlayQueryable } from "./overlay.ts";
import { recordingOutput, resultSamples } from "./recording.ts";
import { restoreForState } from "./restore.ts";
import { RuleState } from "./rule_state.ts";
import { groupHash } from "./schedule.ts";

const log = logger("rules");

/** The samples one evaluation writes: values, and series that get a staleness marker. */
interface Written {
  readonly samples: OutputSample[];
  readonly stale: Labels[];
  readonly byName: Map<string, OutputSample[]>;
}

/** A group and the state of its rules. */
export class GroupEvaluator {
  readonly rules: RuleState[];
  /** 64-bit hash of file and name, hex: the group's offset, lease key and message ids. */
  readonly hash: string;
  /** `<file>;<name>`, the `rule_group` label of the metrics. */
  readonly id: string;
  /** Seconds the last evaluation took. */
  evaluationTime = 0;
  /** Wall time the last evaluation started, ms (0: never). */
  lastEvaluation = 0;
  /** Whether the `for` state must be restored after the next evaluation. */
  shouldRestore = true;
  /** The group's child of the evaluations counter, counted once per rule evaluation. */
  private readonly evaluations: Value;
  /** Generator URLs by rule. */
  private readonly graphURLs = new Map<Rule, string>();

  constructor(
    readonly group: RuleGroup,
    readonly interval: number,
    readonly queryOffset: number,
    private readonly deps: EvaluatorDeps,
    private readonly metrics: RuleMetrics,
  ) {
    this.rules = group.rules.map((r) => new RuleState(r));
    this.hash = groupHash(group.file, group.name).toString(16).padStart(16, "0");
    this.id = `${group.file};${group.name}`;
    this.evaluations = metrics.evaluations.labels({ rule_group: this.id });
  }

  /** Evaluates every rule at `ts`, publishes the output, notifies, restores when due. */
  async evaluate(ts: number, signal?: AbortSignal): Promise<void> {
    const now = this.deps.now ?? Date.now;
    const started = now();
    const written: Written = { samples: [], stale: [], byName: new Map() };
    const alerts: NotifiedAlert[] = [];
    for (const state of this.rules) {
      if (signal?.aborted) return;
      await this.evaluateRule(state, ts, written, signal);
      const a = state.alerting?.toSend(
        ts,
        this.deps.resendDelay,
        this.interval,
        this.graphURL(state),
      );
      if (a) alerts.push(...a);
    }
    await this.publish(ts, written.samples, written.stale, "");
    if (this.shouldRestore) await this.restore(now());
    this.reportChanges();
    this.shouldRestore = false;
    this.evaluationTime = (now() - started) / 1000;
    this.lastEvaluation = started;
    this.metrics.duration.labels({ rule_group: this.id }).set(this.evaluationTime);
    this.metrics.lastEvaluation.labels({ rule_group: this.id }).set(ts / 1000);
    if (alerts.length > 0) {
      const sent = withExternalLabels(alerts, this.deps.externalLabels);
      this.deps.onAlerts?.({ file: this.group.file, name: this.group.name }, sent);
    }
  }

  /**
   * Hands the evaluation's state changes to `onChanges`. After a restore, an alert whose
   * `for` state came back from storage was pending before this aggregator saw it: not a change.
   */
  private reportChanges(): void {
    const changes: RuleAlertChange[] = [];
    for (const state of this.rules) {
      for (const c of state.alerting?.takeChanges() ?? []) {
        if (c.state === "pending" && c.alert.activeAt !== c.time) continue;
        changes.push({ ...c, rule: state.rule.name });
      }
    }
    if (changes.length > 0)
      this.deps.onChanges?.({ file: this.group.file, name: this.group.name }, changes);
  }

  /** Publishes staleness markers for every series the group wrote (it was removed). */
  async markStale(ts: number): Promise<void> {
    const stale = this.rules.flatMap((r) => r.written());
    if (stale.length > 0) await this.publish(ts, [], stale, "-stale");
  }

  private async evaluateRule(
    state: RuleState,
    ts: number,
    written: Written,
    signal?: AbortSignal,
  ): Promise<void> {
    const now = this.deps.now ?? Date.now;
    const began = now();
    const rule = state.rule;
    this.evaluations.inc();
    try {
      const queryable = overlayQueryable(this.deps.queryable, written.byName, ts);
      const { result } = await this.deps.engine.instantQuery(queryable, rule.expr, ts, {
        origin: "rule",
        signal,
      });
      const output = state.alerting
        ? await state.alerting.apply(resultSamples(result), ts, {
            expand: this.deps.expand,
            externalLabels: this.deps.externalLabels,
            externalURL: this.deps.externalURL,
            limit: this.group.limit,
            reference: this.deps.reference,
          })
        : recordingOutput(
            rule as Parameters<typeof recordingOutput>[0],
            result,
            this.group.limit,
            this.deps.reference,
          );
      for (const s of output) {
        written.samples.push(s);
        const name = labelValue(s.labels, "__name__");
        const list = written.byName.get(name) ?? written.byName.set(name, []).get(name)!;
        list.push(s);
      }
      written.stale.push(...state.vanished(output, this.deps.reference));
      state.health = "ok";
      state.lastError = "";
    } catch (error) {
      state.health = "err";
      state.lastError = error instanceof Error ? error.message : String(error);
      this.metrics.failures.labels({ rule_group: this.id }).inc();
      log.warn("Cannot evaluate rule: it failed", {
        group: this.group.name,
        file: this.group.file,
        rule: rule.name,
        error: state.lastError,
      });
    }
    state.evaluationTime = (now() - began) / 1000;
    state.lastEvaluation = began;
  }

  private async publish(ts: number, samples: OutputSample[], stale: Labels[], suffix: string) {
    if (samples.length + stale.length === 0) return;
    const batch = {
      msgId: `rules-${this.deps.tenant}-${this.hash}-${ts}${suffix}`,
      tenant: this.deps.tenant,
      timestamp: ts,
      labels: [...samples.map((s) => s.labels), ...stale],
      values: [...samples.map((s) => s.value), ...stale.map(() => Number.NaN)],
      stale: [...samples.map(() => false), ...stale.map(() => true)],
    };
    const group = this.id;
    try {
      const { duplicate } = await this.deps.sink.publish(batch);
      this.metrics.batches
        .labels({ rule_group: group, outcome: duplicate ? "duplicate" : "stored" })
        .inc();
      this.metrics.samples.labels({ rule_group: group }).inc(batch.values.length);
    } catch (error) {
      this.metrics.batches.labels({ rule_group: group, outcome: "failed" }).inc();
      log.error("Cannot publish rule output: its samples are lost", {
        group: this.group.name,
        file: this.group.file,
        samples: batch.values.length,
        error: String(error),
      });
    }
  }

  private async restore(ts: number): Promise<void> {
    try {
      await this.deps.beforeRestore?.();
    } catch (error) {
      log.warn("Cannot refresh stored data before restoring alerts", { error: String(error) });
    }
    for (const state of this.rules) {
      if (!state.alerting) continue;
      try {
        await restoreForState(state.alerting, this.deps.queryable, ts, this.deps.restore);
      } catch (error) {
        state.alerting.restored = true;
        log.warn("Cannot restore the for state of alerts", {
          rule: state.rule.name,
          error: String(error),
        });
      }
    }
  }

  /**
   * Prometheus's generator URL: the external URL's graph page for the rule's expression, built
   * once per rule (encoding every expression at every evaluation showed in profiles).
   */
  private graphURL(state: RuleState): string {
    let url = this.graphURLs.get(state.rule);
    if (url === undefined) {
      const q = encodeURIComponent(state.rule.expr);
      url = `${this.deps.externalURL}/graph?g0.expr=${q}&g0.tab=1`;
      this.graphURLs.set(state.rule, url);
    }
    return url;
  }
}
