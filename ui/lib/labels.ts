/** Series names as PromQL writes them, and numbers for people. */

/** A label pair as the query API sends it. */
export interface LabelPair {
  name: string;
  value: string;
}

/** `metric{a="b", c="d"}`, as Prometheus shows a series. */
export function seriesName(labels: readonly LabelPair[]): string {
  const name = labels.find((l) => l.name === "__name__")?.value ?? "";
  const rest = labels
    .filter((l) => l.name !== "__name__")
    .map((l) => `${l.name}=${JSON.stringify(l.value)}`);
  return rest.length === 0 && name !== "" ? name : `${name}{${rest.join(", ")}}`;
}

/** A sample value as Prometheus's JSON prints it (`NaN`, `+Inf`, shortest round-trip digits). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}
