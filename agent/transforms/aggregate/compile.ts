import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import { formatDuration } from "../../../shared/time/duration.ts";
import type { AggregateRule } from "./config.ts";
import { matchesSelector, parseSelector, type Selector } from "./selector.ts";

/** A rule ready to run: its selector parsed and its naming and grouping decided. */
export interface CompiledRule {
  readonly config: AggregateRule;
  readonly selector: Selector;
  /** The rule as PromQL, e.g. `sum by (mode) (node_cpu_seconds_total)`; labels self-metrics. */
  readonly expression: string;
}

/** Compiles a rule validated by `aggregateRuleSchema`; throws if its selector does not parse. */
export function compileRule(config: AggregateRule): CompiledRule {
  const selector = parseSelector(config.match);
  const grouping = config.by !== undefined ? "by" : "without";
  const names = (config.by ?? config.without ?? []).join(", ");
  return { config, selector, expression: `${config.op} ${grouping} (${names}) (${config.match})` };
}

/** True when the rule takes series with these labels as input. */
export function ruleMatches(rule: CompiledRule, labels: Labels): boolean {
  return matchesSelector(rule.selector, labels);
}

/** The name of the outputs made from an input named `inputName`. */
export function outputName(rule: CompiledRule, inputName: string): string {
  const { output_name, op } = rule.config;
  if (output_name !== undefined) return output_name;
  return op === "sum" ? inputName : `${inputName}:${op}`;
}

/**
 * The labels of the output series an input with `labels` goes into, `__name__` included.
 * External labels stay unless `without` names them: they tell one agent's outputs from
 * another's (Prometheus, too, adds them after its recording rules ran).
 */
export function outputLabels(
  rule: CompiledRule,
  labels: Labels,
  name: string,
  external: ReadonlySet<string>,
): Labels {
  const { by, without } = rule.config;
  const entries: [string, string][] = [["__name__", name]];
  for (let i = 0; i < labels.length; i += 2) {
    const label = labels[i];
    if (label === "__name__") continue;
    const keep =
      by !== undefined ? by.includes(label) || external.has(label) : !without!.includes(label);
    if (keep) entries.push([label, labels[i + 1]]);
  }
  return labelsFromEntries(entries);
}

/** HELP of an output family that does not reuse its input's name. */
export function outputHelp(rule: CompiledRule, inputName: string, inputHelp: string): string {
  const { op, by, without, interval } = rule.config;
  const grouping = by !== undefined ? `by (${by.join(", ")})` : `without (${without!.join(", ")})`;
  const what = `${op} ${grouping} of ${inputName}, aggregated by the agent every ${formatDuration(interval)}.`;
  return inputHelp === "" ? what : `${what} ${inputHelp}`;
}
