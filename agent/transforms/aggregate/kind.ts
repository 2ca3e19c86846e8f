import type { MetricType } from "../../../shared/model/sample.ts";

/** Suffixes whose series count up in a histogram or summary family (OpenMetrics naming). */
const CUMULATIVE_SUFFIXES = ["_bucket", "_count", "_sum"] as const;

/** Suffixes that mark a counter by convention when no TYPE line says otherwise. */
const COUNTER_NAME = /_(?:total|count|sum|bucket)$/;

/**
 * Whether the series named `name` counts up (so a sum must follow its increases rather than
 * its values). The family's TYPE decides when it is known, looked up under the series' own
 * name or, for `_total` and histogram/summary suffixes, under the family name without them;
 * otherwise the naming conventions `_total`, `_count`, `_sum` and `_bucket` decide.
 */
export function isCounterSeries(name: string, types: ReadonlyMap<string, MetricType>): boolean {
  const own = types.get(name);
  if (own !== undefined && own !== "unknown") return own === "counter";
  if (name.endsWith("_total")) {
    const family = types.get(name.slice(0, -"_total".length));
    if (family === "counter") return true;
  }
  for (const suffix of CUMULATIVE_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = types.get(name.slice(0, -suffix.length));
    if (family === "histogram" || family === "summary") return true;
    if (family === "gaugehistogram") return false;
  }
  return COUNTER_NAME.test(name);
}

/** Suffixes a series name may add to its family's name. */
const FAMILY_SUFFIXES = ["_total", "_bucket", "_count", "_sum"] as const;

/** The key under which `metadata` knows the family of series `name`, if any. */
export function familyOf(name: string, metadata: ReadonlyMap<string, unknown>): string | undefined {
  if (metadata.has(name)) return name;
  for (const suffix of FAMILY_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    if (metadata.has(family)) return family;
  }
  return undefined;
}
