/**
 * The template seam: labels and annotations of alerting rules are Go `text/template` text,
 * expanded with Prometheus's data. The engine lives in aggregator/template/ (another branch);
 * the evaluator takes it as a function so that wiring it is one line (see `rules.ts`).
 */

/** The data a label or annotation template sees, as Prometheus gives it. */
export interface TemplateData {
  /** The labels of the series the alert comes from (`$labels`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The sample value (`$value`). */
  readonly value: number;
  /** `global.external_labels` (`$externalLabels`). */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** The URL the aggregator is reached at (`$externalURL`). */
  readonly externalURL: string;
}

/** Expands one template; errors are the engine's to render (Prometheus writes them in the text). */
export type ExpandTemplate = (text: string, data: TemplateData) => string;

/** The stand-in until the template engine is merged: the text, unchanged. */
export const expandUnchanged: ExpandTemplate = (text) => text;
