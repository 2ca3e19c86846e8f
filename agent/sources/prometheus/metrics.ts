import type { Histogram, Metric, Registry } from "../../../shared/metrics/registry.ts";

/** Self-metrics of the Prometheus source, shared by all its scrape loops. */
export class ScrapeMetrics {
  readonly duration: Histogram;
  readonly scrapes: Metric;
  readonly failures: Metric;
  readonly targets: Metric;
  readonly duplicates: Metric;
  readonly relabelDropped: Metric;
  readonly outOfBounds: Metric;
  readonly targetLimitExceeded: Metric;
  readonly dnsLookups: Metric;
  readonly dnsLookupFailures: Metric;

  constructor(registry: Registry) {
    this.duration = registry.histogram(
      "outpost_agent_scrape_duration_seconds",
      "Time a scrape took: fetch, parse and hand-off.",
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ["job"],
    );
    this.scrapes = registry.counter(
      "outpost_agent_scrapes_total",
      "Scrapes attempted, by job and result.",
      ["job", "result"],
    );
    this.failures = registry.counter(
      "outpost_agent_scrape_failures_total",
      "Failed scrapes by reason (http, timeout, parse, body_size_limit, target_limit, sample_limit, label_limit, label_name_length_limit, label_value_length_limit, memory_limit, missing_metric_name).",
      ["job", "reason"],
    );
    this.targets = registry.gauge("outpost_agent_targets", "Active scrape targets by job.", [
      "job",
    ]);
    this.duplicates = registry.counter(
      "outpost_agent_scrape_duplicate_samples_total",
      "Samples dropped because their series appeared twice in one scrape.",
      ["job"],
    );
    this.relabelDropped = registry.counter(
      "outpost_agent_scrape_relabel_dropped_samples_total",
      "Samples dropped by metric_relabel_configs.",
      ["job"],
    );
    this.outOfBounds = registry.counter(
      "outpost_agent_scrape_samples_out_of_bounds_total",
      "Samples dropped because their exposed timestamp was more than an hour before the scrape or ten minutes after it.",
      ["job"],
    );
    this.targetLimitExceeded = registry.counter(
      "outpost_agent_scrape_target_limit_exceeded_total",
      "Target updates that left a job with more targets than its target_limit (its scrapes then fail).",
      ["job"],
    );
    this.dnsLookups = registry.counter(
      "outpost_agent_sd_dns_lookups_total",
      "DNS service discovery lookups of a name (prometheus_sd_dns_lookups_total), by job.",
      ["job"],
    );
    this.dnsLookupFailures = registry.counter(
      "outpost_agent_sd_dns_lookup_failures_total",
      "DNS service discovery lookups that failed, keeping the name's last targets (prometheus_sd_dns_lookup_failures_total), by job.",
      ["job"],
    );
  }
}
