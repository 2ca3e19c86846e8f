import { ExpositionLimitError } from "../../../shared/exposition/limits.ts";
import { MemoryLimitError } from "../../pipeline/budget.ts";
import { BodySizeLimitError } from "./body.ts";

/** The target served more samples than sample_limit; the scrape fails, as in Prometheus. */
export class SampleLimitError extends RangeError {}

/**
 * The job has more targets than its target_limit: every scrape of it fails without a request,
 * with Prometheus's message.
 */
export class TargetLimitError extends RangeError {
  constructor(targets: number, limit: number) {
    super(`target_limit exceeded (number of targets: ${targets}, limit: ${limit})`);
  }
}

/**
 * Metric relabeling left a series with labels but no metric name; the scrape fails, with
 * Prometheus's message.
 */
export class MissingMetricNameError extends TypeError {
  constructor() {
    super("missing metric name (__name__ label)");
  }
}

/**
 * The reason label of a failed scrape (`outpost_agent_scrape_failures_total{reason}` and the
 * log line): http, timeout, parse, body_size_limit, target_limit, sample_limit, label_limit,
 * label_name_length_limit, label_value_length_limit, memory_limit or missing_metric_name.
 */
export function failureReason(err: unknown): string {
  if (err instanceof BodySizeLimitError) return "body_size_limit";
  if (err instanceof SampleLimitError) return "sample_limit";
  if (err instanceof TargetLimitError) return "target_limit";
  if (err instanceof ExpositionLimitError) return err.limit;
  if (err instanceof MemoryLimitError) return "memory_limit";
  if (err instanceof MissingMetricNameError) return "missing_metric_name";
  if (err instanceof SyntaxError) return "parse";
  if (err instanceof Error && err.message.startsWith("scrape timed out")) return "timeout";
  return "http";
}
