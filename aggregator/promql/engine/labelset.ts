/**
 * Label-set operations the engine needs, on the sorted flat `[n0, v0, …]` arrays of
 * shared/model/labels.ts: Prometheus's `labels.Builder` edits (set, delete, keep), ordering,
 * identity keys and the vector-matching signatures. All run once per series, never per step.
 */
import { compareNames, type Labels } from "../../../shared/model/labels.ts";

/** The metric-name label. */
export const NAME = "__name__";

/** Labels `DropReserved(schema.IsMetadataLabel)` removes: the name and the type/unit metadata. */
const METADATA = new Set([NAME, "__type__", "__unit__"]);

/** The value of `name` ("" when absent). */
export function get(labels: Labels, name: string): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1];
  return "";
}

/** True for the labels that dropping the metric name removes (`__name__`, `__type__`, `__unit__`). */
export function isMetadataLabel(name: string): boolean {
  return METADATA.has(name);
}

/** True for `__name__`, `__type__`, `__unit__`; the two underscores are tested first (cheap). */
function isMetadataAt(labels: Labels, i: number): boolean {
  const n = labels[i];
  return n.charCodeAt(0) === 95 && n.charCodeAt(1) === 95 && METADATA.has(n);
}

/**
 * The labels without `__name__`, `__type__` and `__unit__`. Runs once per series of every
 * rate() and arithmetic: a lone name label is cut out with one copy.
 */
export function dropMetricName(labels: Labels): Labels {
  let first = -1;
  let count = 0;
  for (let i = 0; i < labels.length; i += 2) {
    if (!isMetadataAt(labels, i)) continue;
    if (first < 0) first = i;
    count++;
  }
  if (count === 0) return labels;
  if (count === 1) return labels.slice(0, first).concat(labels.slice(first + 2));
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (!isMetadataAt(labels, i)) out.push(labels[i], labels[i + 1]);
  }
  return out;
}

/** Sets `name` to `value`; an empty value deletes the label, as Prometheus's builder does. */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const out: string[] = [];
  let placed = value === "";
  for (let i = 0; i < labels.length; i += 2) {
    const n = labels[i];
    if (n === name) continue;
    if (!placed && compareNames(name, n) < 0) {
      out.push(name, value);
      placed = true;
    }
    out.push(n, labels[i + 1]);
  }
  if (!placed) out.push(name, value);
  return out;
}

/** Removes the listed labels. */
export function deleteLabels(labels: Labels, names: readonly string[]): Labels {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (!names.includes(labels[i])) out.push(labels[i], labels[i + 1]);
  }
  return out;
}

/** Keeps only the listed labels. */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (names.includes(labels[i])) out.push(labels[i], labels[i + 1]);
  }
  return out;
}

/**
 * An identity key for a label set. Label text never holds U+0000 in practice, so joining on
 * it is unambiguous for real data and much cheaper than an escaped encoding.
 */
export function labelsKey(labels: Labels): string {
  return labels.join("\u0000");
}

/** Injective key of the values of `names` (absent labels count as ""). */
function valuesKey(labels: Labels, names: readonly string[]): string {
  let key = "";
  for (const name of names) {
    const v = get(labels, name);
    key += `${v.length}:${v}`;
  }
  return key;
}

/** Injective key of every label except `names` (and `__name__` when `dropName`). */
function withoutKey(labels: Labels, names: readonly string[], dropName: boolean): string {
  let key = "";
  for (let i = 0; i < labels.length; i += 2) {
    const n = labels[i];
    if (names.includes(n) || (dropName && n === NAME)) continue;
    const v = labels[i + 1];
    key += `${n.length}:${n}${v.length}:${v}`;
  }
  return key;
}

/**
 * The vector-matching signature: the `on(...)` labels' values, or everything but `__name__`
 * and the `ignoring(...)` labels.
 */
export function matchSignature(on: boolean, names: readonly string[]): (labels: Labels) => string {
  if (on) {
    const sorted = [...names].sort(compareNames);
    return (labels) => valuesKey(labels, sorted);
  }
  return (labels) => withoutKey(labels, names, true);
}

/** The aggregation grouping key: `by` labels' values, or everything but `without` labels and the name. */
export function groupingKey(labels: Labels, grouping: readonly string[], without: boolean): string {
  if (without) return withoutKey(labels, grouping, true);
  return grouping.length === 0 ? "" : valuesKey(labels, grouping);
}

/** The output labels of an aggregation group. */
export function groupingLabels(
  labels: Labels,
  grouping: readonly string[],
  without: boolean,
): Labels {
  if (without) return deleteLabels(labels, [...grouping, NAME]);
  return grouping.length === 0 ? [] : keepLabels(labels, grouping);
}

/** `labels.MatchLabels(on, names)`: the labels a match group is made of. */
export function matchLabels(labels: Labels, on: boolean, names: readonly string[]): Labels {
  return on ? keepLabels(labels, names) : deleteLabels(labels, [...names, NAME]);
}
