/**
 * A label set: names and values interleaved `[n0, v0, n1, v1, …]`, sorted by name,
 * without empty values. `__name__` carries the metric name. Flat arrays keep a series to
 * one allocation and make comparison and hashing a single loop.
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

/** Orders label names by UTF-16 code units, which equals byte order for the ASCII names PromQL allows. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders label sets pair by pair, names then values; a prefix sorts first (Prometheus's order). */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Stable 64-bit series identity: xxHash64 over `name 0xff value 0xff …` of the sorted set,
 * the same framing Prometheus uses, so two processes agree on a series' id.
 */
export function seriesHash(labels: Labels): bigint {
  return BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(labels.join("\xff"))));
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
