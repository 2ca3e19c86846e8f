/** Explore's split view: from a metric series to the LogQL selector of its logs. */

interface Pair {
  name: string;
  value: string;
}

/**
 * The stream selector of a series' logs: its labels that are also log stream labels over the
 * range (`job`, `instance`, `host` …), or null when it shares none. `__name__` never matches.
 */
export function logSelectorFor(
  labels: readonly Pair[],
  streamLabels: readonly string[],
): string | null {
  const names = new Set(streamLabels);
  const shared = labels.filter((l) => l.name !== "__name__" && names.has(l.name) && l.value !== "");
  if (shared.length === 0) return null;
  return `{${shared.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ")}}`;
}
