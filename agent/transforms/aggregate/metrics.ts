import type { Metric, Registry, Value } from "../../../shared/metrics/registry.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";

/** The self-metrics of one aggregation rule, labelled by the rule written as PromQL. */
export interface RuleMetrics {
  readonly input: Value;
  readonly output: Value;
  readonly groups: Value;
}

/** The aggregate transform's self-metrics: the component counters plus per-rule ones. */
export class AggregateMetrics {
  readonly component: ComponentMetrics;
  private readonly input: Metric;
  private readonly output: Metric;
  private readonly groups: Metric;

  constructor(registry: Registry, id: string) {
    this.component = new ComponentMetrics(registry, id, "transform", "aggregate");
    this.input = registry.counter(
      "outpost_aggregate_input_samples_total",
      "Samples (staleness markers included) an aggregation rule took as input.",
      ["rule"],
    );
    this.output = registry.counter(
      "outpost_aggregate_output_samples_total",
      "Samples (staleness markers included) an aggregation rule wrote.",
      ["rule"],
    );
    this.groups = registry.gauge(
      "outpost_aggregate_output_series",
      "Output series an aggregation rule maintained at its last interval.",
      ["rule"],
    );
  }

  /** The children for one rule. */
  forRule(expression: string): RuleMetrics {
    const labels = { rule: expression };
    return {
      input: this.input.labels(labels),
      output: this.output.labels(labels),
      groups: this.groups.labels(labels),
    };
  }
}
