/**
 * Label names and values over a set of series, as every Querier lists them: distinct, in
 * UTF-8 byte order (Go's string order, which Prometheus's API answers in).
 */
import type { Labels } from "../../shared/model/labels.ts";
import { sortUtf8 } from "../../shared/model/order.ts";

/** The distinct label names of `sets`, sorted. */
export function labelNamesOf(sets: Iterable<Labels>): string[] {
  const names = new Set<string>();
  for (const labels of sets) {
    for (let i = 0; i < labels.length; i += 2) names.add(labels[i]);
  }
  return sortUtf8([...names]);
}

/** The distinct values of label `name` in `sets`, sorted. */
export function labelValuesOf(name: string, sets: Iterable<Labels>): string[] {
  const values = new Set<string>();
  for (const labels of sets) {
    for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) values.add(labels[i + 1]);
  }
  return sortUtf8([...values]);
}
