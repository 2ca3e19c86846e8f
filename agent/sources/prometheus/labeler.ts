import { ExpositionLimitError } from "../../../shared/exposition/limits.ts";
import { type Labels, labelsFromEntries, labelsToMap } from "../../../shared/model/labels.ts";
import type { Series } from "../../../shared/model/series.ts";
import { applyRelabel, type RelabelProgram } from "../../../shared/relabel/relabel.ts";
import { MissingMetricNameError } from "./errors.ts";
import type { ScrapeJob } from "./job.ts";

/**
 * Computes the final labels of a scraped series the way Prometheus's scrape loop does: attach
 * the target labels (honoring or renaming clashes to `exported_<name>`), run
 * metric_relabel_configs, enforce the label limits again (the parser checked the scraped labels; relabeling may add), then add external labels the series does
 * not already carry. Runs once per new series; the scrape cache keeps the result.
 */
export class SeriesLabeler {
  constructor(
    private readonly targetLabels: Labels,
    private readonly job: ScrapeJob,
    private readonly metricRelabel: RelabelProgram | null,
    private readonly externalLabels: Labels,
  ) {}

  /**
   * Returns the final labels for these scraped labels, or null when metric relabeling drops the
   * series; throws when relabeling leaves it without a name or over a label limit.
   */
  label(scraped: Labels, exposedEmpty?: readonly string[]): Labels | null {
    const labels = labelsToMap(scraped);
    this.attachTargetLabels(labels, exposedEmpty);
    if (this.metricRelabel && !applyRelabel(this.metricRelabel, labels)) return null;
    // As in Prometheus: relabeling that removed every label drops the series, one that left
    // labels without a name fails the scrape.
    if (labels.size === 0) return null;
    if (!labels.get("__name__")) throw new MissingMetricNameError();
    this.checkLimits(labels);
    for (let i = 0; i < this.externalLabels.length; i += 2) {
      if (!labels.get(this.externalLabels[i]))
        labels.set(this.externalLabels[i], this.externalLabels[i + 1]);
    }
    return labelsFromEntries(labels);
  }

  /** The series of a report metric (`up`, `scrape_duration_seconds`, …) of this target. */
  reportSeries(name: string): Series {
    const labels = new Map<string, string>([["__name__", name]]);
    for (let i = 0; i < this.targetLabels.length; i += 2)
      labels.set(this.targetLabels[i], this.targetLabels[i + 1]);
    for (let i = 0; i < this.externalLabels.length; i += 2) {
      if (!labels.get(this.externalLabels[i]))
        labels.set(this.externalLabels[i], this.externalLabels[i + 1]);
    }
    return { labels: labelsFromEntries(labels) };
  }

  /**
   * `exposedEmpty` names the scraped labels written with an empty value: with honor_labels
   * they win as the others do, so the series goes without that label, as in Prometheus.
   */
  private attachTargetLabels(labels: Map<string, string>, exposedEmpty?: readonly string[]): void {
    const t = this.targetLabels;
    for (let i = 0; i < t.length; i += 2) {
      const name = t[i];
      const existing = labels.get(name);
      if (this.job.honor_labels) {
        if (!existing && !exposedEmpty?.includes(name)) labels.set(name, t[i + 1]);
        continue;
      }
      if (existing) {
        let exported = `exported_${name}`;
        while (labels.get(exported)) exported = `exported_${exported}`;
        labels.set(exported, existing);
      }
      labels.set(name, t[i + 1]);
    }
  }

  private checkLimits(labels: Map<string, string>): void {
    const { label_limit, label_name_length_limit, label_value_length_limit } = this.job;
    if (label_limit > 0 && labels.size > label_limit) {
      throw new ExpositionLimitError(
        "label_limit",
        `label_limit exceeded: ${labels.size} labels, limit ${label_limit}`,
      );
    }
    for (const [name, value] of labels) {
      if (label_name_length_limit > 0 && name.length > label_name_length_limit) {
        throw new ExpositionLimitError(
          "label_name_length_limit",
          `label_name_length_limit exceeded: label name "${name}" is ${name.length} long, limit ${label_name_length_limit}`,
        );
      }
      if (label_value_length_limit > 0 && value.length > label_value_length_limit) {
        throw new ExpositionLimitError(
          "label_value_length_limit",
          `label_value_length_limit exceeded: label "${name}" value is ${value.length} long, limit ${label_value_length_limit}`,
        );
      }
    }
  }
}
