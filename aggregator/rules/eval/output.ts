/**
 * What one rule evaluation writes: samples at the evaluation time, built as label sets
 * Prometheus would append (a recording rule's series, `ALERTS`, `ALERTS_FOR_STATE`).
 */
import { compareNames, type Labels } from "../../../shared/model/labels.ts";

/** One output sample of a rule. */
export interface OutputSample {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * Sets, overrides or (with "") deletes labels of a sorted label set, as Prometheus's
 * `labels.Builder` does; returns a new sorted set.
 */
export function withLabels(
  labels: Labels,
  set: Readonly<Record<string, string>>,
  del: readonly string[] = [],
): Labels {
  const map = new Map<string, string>();
  for (let i = 0; i < labels.length; i += 2) map.set(labels[i], labels[i + 1]);
  for (const name of del) map.delete(name);
  for (const [name, value] of Object.entries(set)) {
    if (value === "") map.delete(name);
    else map.set(name, value);
  }
  const names = [...map.keys()].sort(compareNames);
  const out: string[] = [];
  for (const name of names) out.push(name, map.get(name)!);
  return out;
}

/** A label set as a plain record (template data, API output). */
export function labelsRecord(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < labels.length; i += 2) out[labels[i]] = labels[i + 1];
  return out;
}
