import type { ExpositionLimits } from "../../../shared/exposition/limits.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import type { ScrapeConfig } from "../../config/schema.ts";

/**
 * One `scrape_configs` entry as the Prometheus source uses it: the loader's normalised form
 * (durations in ms, sizes in bytes, field names as in Prometheus).
 */
export type ScrapeJob = ScrapeConfig;

/** One scrape target after target relabeling: where to scrape and the labels it adds. */
export interface Target {
  /** Stable identity: job name plus the final label set and URL. */
  readonly key: string;
  readonly url: string;
  /** Target labels attached to every sample (job, instance, group labels), sorted. */
  readonly labels: Labels;
  readonly job: ScrapeJob;
  /** How often and how long it is scraped, ms: the job's, or its own `__scrape_interval__`. */
  readonly interval: number;
  readonly timeout: number;
}

/** The parser's caps for a job: its label limits, which Prometheus checks after relabeling. */
export function expositionLimits(job: ScrapeJob): ExpositionLimits {
  return {
    maxLabels: job.label_limit,
    maxNameLength: job.label_name_length_limit,
    maxValueLength: job.label_value_length_limit,
  };
}
