/**
 * The evaluator's self-metrics, named after Prometheus's `prometheus_rule_*` with Outpost's
 * prefix and labelled by `rule_group` (`<file>;<group>`, as Prometheus labels them).
 */
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";

/** The counters and gauges of rule evaluation. */
export class RuleMetrics {
  readonly evaluations: Metric;
  readonly failures: Metric;
  readonly iterations: Metric;
  readonly missed: Metric;
  readonly duration: Metric;
  readonly lastEvaluation: Metric;
  readonly lag: Metric;
  readonly interval: Metric;
  readonly held: Metric;
  readonly batches: Metric;
  readonly samples: Metric;

  constructor(registry: Registry) {
    const g = ["rule_group"];
    const c = (name: string, help: string, labels = g) =>
      registry.counter(`outpost_rule_${name}`, help, labels);
    const v = (name: string, help: string) => registry.gauge(`outpost_rule_${name}`, help, g);
    this.evaluations = c("evaluations_total", "Rule evaluations.");
    this.failures = c("evaluation_failures_total", "Rule evaluations that failed.");
    this.iterations = c("group_iterations_total", "Scheduled evaluations of the group.");
    this.missed = c(
      "group_iterations_missed_total",
      "Scheduled evaluations skipped because an evaluation (or the process) was late.",
    );
    this.duration = v("group_last_duration_seconds", "Duration of the group's last evaluation.");
    this.lastEvaluation = v(
      "group_last_evaluation_timestamp_seconds",
      "Evaluation timestamp of the group's last evaluation.",
    );
    this.lag = v(
      "group_last_evaluation_lag_seconds",
      "How late the group's last evaluation started after its scheduled tick.",
    );
    this.interval = v("group_interval_seconds", "The group's evaluation interval.");
    this.held = v(
      "group_held",
      "1 while this aggregator holds the group's lease and evaluates it, else 0.",
    );
    this.batches = c(
      "output_batches_total",
      "Evaluation outputs published to the stream, by outcome (stored, duplicate, failed).",
      ["rule_group", "outcome"],
    );
    this.samples = c("output_samples_total", "Samples (staleness markers included) published.");
  }
}
