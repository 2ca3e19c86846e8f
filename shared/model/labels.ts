import { compareUtf8 } from "./order.ts";

/**
 * A label set: names and values interleaved `[n0, v0, n1, v1, …]`, sorted by name in
 * Prometheus's order (UTF-8 bytes, {@link compareNames}), without empty values. `__name__`
 * carries the metric name. Flat arrays keep a series to one allocation and make comparison
 * and hashing a single loop.
 */
export type Labels = readonly string[];

/** Builds a sorted {@link Labels} from a record, dropping empty values. */
export function labelsFromRecord(record: Readonly<Record<string, string>>): Labels {
  return labelsFromEntries(Object.entries(record));
}

/** Builds a sorted {@link Labels} from name/value pairs (last one wins), dropping empty values. */
export function labelsFromEntries(entries: Iterable<readonly [string, string]>): Labels {
  const byName = new Map<string, string>();
  for (const [name, value] of entries) byName.set(name, value);
  const names = [...byName.keys()].filter((n) => byName.get(n) !== "").sort(compareNames);
  const out: string[] = new Array(names.length * 2);
  for (let i = 0; i < names.length; i++) {
    out[2 * i] = names[i];
    out[2 * i + 1] = byName.get(names[i])!;
  }
  return out;
}

/** Returns the labels as a Map, for code that edits a label set (relabeling). */
export function labelsToMap(labels: Labels): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < labels.length; i += 2) map.set(labels[i], labels[i + 1]);
  return map;
}

/** Returns the value of label `name`, or "" when it is absent (Prometheus semantics). */
export function labelValue(labels: Labels, name: string): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1];
  return "";
}

/**
 * Orders label names as Prometheus does, by UTF-8 bytes: Prometheus 3 allows any UTF-8 name,
 * and for those JavaScript's code-unit order can differ (see {@link compareUtf8}).
 */
export function compareNames(a: string, b: string): number {
  return compareUtf8(a, b);
}

/** Orders label sets pair by pair, names then values, by UTF-8 bytes; a prefix sorts first (Prometheus). */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return compareUtf8(a[i], b[i]) < 0 ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The labels with their names in UTF-16 code-unit order, the order label sets had before they
 * were sorted by bytes. Series identities and the `labels` text of stored files were made in
 * that order, so they keep it: data written before reads as the same series. The two orders
 * differ only for names that hold characters above U+FFFF, so this returns `labels` itself
 * almost always, after one pass over the names.
 */
export function codeUnitOrder(labels: Labels): Labels {
  for (let i = 2; i < labels.length; i += 2) {
    if (labels[i] < labels[i - 2]) return reorderByCodeUnits(labels);
  }
  return labels;
}

function reorderByCodeUnits(labels: Labels): Labels {
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push([labels[i], labels[i + 1]]);
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return pairs.flat();
}

/**
 * Stable 64-bit series identity: xxHash64 of the set's pairs joined by "\xff", names in
 * {@link codeUnitOrder}, so two processes, and data written before, agree on a series' id.
 * (Not Prometheus's `Labels.Hash()`: that one is `prometheusHash` in the PromQL engine.)
 */
export function seriesHash(labels: Labels): bigint {
  return BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(codeUnitOrder(labels).join("\xff"))));
}

/** A key of a label set for maps: names and values joined by a byte labels never hold. */
export function labelsKey(labels: Labels): string {
  return labels.join("\xff");
}

/** Renders labels the way Prometheus prints a series: `name{a="1", b="2"}`. */
export function formatSeries(labels: Labels): string {
  let name = "";
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (labels[i] === "__name__") name = labels[i + 1];
    else parts.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
  }
  return parts.length === 0 ? name || "{}" : `${name}{${parts.join(", ")}}`;
}

/**
 * True for a valid label name: since Prometheus 3, any non-empty UTF-8 text (a JavaScript
 * string without lone surrogates).
 */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && name.isWellFormed();
}
