import type { Metric, Registry } from "../../../shared/metrics/registry.ts";

/** The probe source's own metrics, beside the component counters. */
export class ProbeMetrics {
  /** Probes run, by job and result (success, failure, timeout, setup_error). */
  readonly runs: Metric;

  constructor(registry: Registry) {
    this.runs = registry.counter(
      "outpost_probe_runs_total",
      "Probes run by the agent, by job and result (success, failure, timeout, setup_error).",
      ["job", "result"],
    );
  }
}
