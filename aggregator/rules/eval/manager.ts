/**
 * Every rule group of the aggregator: built from the loaded rule files, each run by its own
 * loop, replaced on reload. A reload keeps the state (alerts, health, written series) of a
 * group whose file and name are unchanged, rule by rule where the rule is the same, as
 * Prometheus's CopyState does; a group that is gone gets staleness markers for its series.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { Rule, RuleGroup } from "../model.ts";
import type { EvaluatorDeps } from "./deps.ts";
import { GroupEvaluator } from "./group.ts";
import { GroupLoop } from "./loop.ts";
import { RuleMetrics } from "./metrics.ts";

const log = logger("rules");

/** Settings of the groups: the defaults rule files may override per group. */
export interface ManagerOptions {
  /** `global.evaluation_interval`, ms. */
  readonly evaluationInterval: number;
  /** `global.rule_query_offset`, ms. */
  readonly queryOffset: number;
}

/** Runs rule groups and answers what the API asks about them. */
export class RuleManager {
  private loops = new Map<string, GroupLoop>();
  private readonly metrics: RuleMetrics;
  private started = false;

  constructor(
    private readonly deps: EvaluatorDeps,
    private readonly options: ManagerOptions,
    registry: Registry,
  ) {
    this.metrics = new RuleMetrics(registry);
  }

  /** The groups, in the order they were loaded. */
  groups(): GroupEvaluator[] {
    return [...this.loops.values()].map((l) => l.evaluator);
  }

  /** Replaces the groups with `groups`; unchanged ones keep their state. */
  async update(groups: readonly RuleGroup[]): Promise<void> {
    const previous = this.loops;
    // Stopped first, so that no evaluation changes a state while it is copied.
    await Promise.all([...previous.values()].map((l) => l.stop()));
    const next = new Map<string, GroupLoop>();
    for (const group of groups) {
      const evaluator = new GroupEvaluator(
        group,
        // Prometheus reads `interval: 0s` as unset; a group scheduled every 0 ms cannot run.
        group.interval || this.options.evaluationInterval,
        group.queryOffset ?? this.options.queryOffset,
        this.deps,
        this.metrics,
      );
      const loop = new GroupLoop(evaluator, this.metrics, this.deps.lease, this.deps.now);
      const old = this.loops.get(evaluator.id);
      if (old) {
        copyState(old.evaluator, evaluator);
        loop.adopt(old);
      }
      next.set(evaluator.id, loop);
    }
    this.loops = next;
    for (const [id, loop] of previous) {
      if (!next.has(id)) await loop.evaluator.markStale((this.deps.now ?? Date.now)());
    }
    if (this.started) for (const loop of next.values()) loop.start();
    log.info("Rule groups loaded", { groups: next.size });
  }

  /** Starts every group's schedule. */
  start(): void {
    this.started = true;
    for (const loop of this.loops.values()) loop.start();
  }

  /** Stops every schedule, waiting for evaluations under way (no staleness: a restart restores). */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
  }
}

/** Copies the state of rules that are the same (kind, name, expression, position) in both. */
function copyState(from: GroupEvaluator, to: GroupEvaluator): void {
  to.evaluationTime = from.evaluationTime;
  to.lastEvaluation = from.lastEvaluation;
  to.shouldRestore = from.shouldRestore;
  from.rules.forEach((old, i) => {
    const now = to.rules[i];
    if (now && sameRule(old.rule, now.rule)) now.copyFrom(old);
  });
}

function sameRule(a: Rule, b: Rule): boolean {
  return a.type === b.type && a.name === b.name && a.expr === b.expr;
}
