/**
 * The template seam: labels and annotations of alerting rules are Go `text/template` text,
 * expanded with Prometheus's data. The engine lives in aggregator/template/; the evaluator
 * takes it as a function (wired in `setup.ts`), so its tests can watch what is expanded.
 */
import type { Queryable } from "../../storage/storage.ts";
import { type ExpandOptions, expandAlertTemplate } from "../../template/alert.ts";
import type { RuleEngine } from "./deps.ts";
import { labelsRecord } from "./output.ts";
import { resultSamples } from "./recording.ts";

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
  /** The alerting rule's name: Prometheus names the template `__alert_<name>`. */
  readonly alertName?: string;
  /** The evaluation time, for the `query` template function. */
  readonly ts?: number;
}

/** Expands one template; errors are the engine's to render (Prometheus writes them in the text). */
export type ExpandTemplate = (text: string, data: TemplateData) => string | Promise<string>;

/** The text unchanged: for tests of the state machine that do not care about templates. */
export const expandUnchanged: ExpandTemplate = (text) => text;

/**
 * Prometheus's expansion of alert templates (aggregator/template), with the `query` function
 * answered by `engine` over `queryable` at the evaluation time. Each text is parsed once
 * (`reference`: at every expansion, as the oracle of that cache).
 */
export function prometheusExpander(
  engine: RuleEngine,
  queryable: Queryable,
  opts: ExpandOptions = {},
): ExpandTemplate {
  const query = async (q: string, ts: number) => {
    const { result } = await engine.instantQuery(queryable, q, ts, { origin: "rule" });
    return resultSamples(result).map((s) => ({ labels: labelsRecord(s.labels), value: s.value }));
  };
  return (text, data) =>
    expandAlertTemplate(
      text,
      {
        labels: { ...data.labels },
        value: data.value,
        externalLabels: { ...data.externalLabels },
        externalURL: data.externalURL,
        alertName: data.alertName,
        query: (q) => query(q, data.ts ?? Date.now()),
      },
      opts,
    );
}
