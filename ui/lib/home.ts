/**
 * The home page's figures: which queries answer them (the aggregator's and agents' own metrics,
 * as `outpost up` scrapes them) and how they read for people.
 */
import type { LabelPair } from "./labels.ts";

/** The ingest and storage figures, each one instant PromQL query over the self-metrics. */
export const FIGURES = [
  {
    key: "samples",
    label: "Samples ingested",
    query: "sum(rate(outpost_ingest_samples_total[5m]))",
    unit: "/s",
  },
  {
    key: "logs",
    label: "Log lines ingested",
    query: "sum(rate(outpost_logs_ingested_records_total[5m]))",
    unit: "/s",
  },
  { key: "series", label: "Series in head", query: "sum(outpost_head_series)", unit: "" },
  // Aggregators sharing a bucket each report the same catalog: the largest, not the sum.
  { key: "bytes", label: "Bucket size", query: "max(outpost_catalog_bytes)", unit: "bytes" },
] as const;

/**
 * The figures are evaluated this long before now: agents seal a batch up to `batch.max_wait`
 * (10 s by default) after its first sample, so the newest seconds are still arriving and a
 * figure at "now" would move when they land.
 */
export const SETTLE_MS = 15_000;

/** When each agent last reported its own `up` (agents scrape themselves as job outpost-agent). */
export const AGENTS_QUERY = 'ts_of_last_over_time(up{job="outpost-agent"}[24h])';
/** An agent is silent once its latest sample is older than this. */
export const SILENT_AFTER_MS = 5 * 60_000;

/** A number for a card: `1.23k`, `45.6M`; bytes in binary units (`1.5 GiB`); "—" for none. */
export function formatFigure(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return "—";
  if (unit === "bytes") {
    const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let i = 0;
    let x = v;
    while (x >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
  }
  const steps: [number, string][] = [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of steps)
    if (Math.abs(v) >= size) return `${(v / size).toPrecision(3)}${suffix}${unit}`;
  return `${Number(v.toPrecision(3))}${unit}`;
}

/** An agent as the agents card shows it. */
export interface AgentSeen {
  readonly instance: string;
  readonly lastMs: number;
  readonly silent: boolean;
}

/** The agents by their latest sample (seconds, as the query answers), silent ones first. */
export function agentsSeen(
  samples: readonly { labels: readonly LabelPair[]; value: number }[],
  nowMs: number,
): AgentSeen[] {
  return samples
    .map((s) => {
      const lastMs = s.value * 1000;
      const instance = s.labels.find((l) => l.name === "instance")?.value ?? "(no instance)";
      return { instance, lastMs, silent: nowMs - lastMs > SILENT_AFTER_MS };
    })
    .sort((a, b) => Number(b.silent) - Number(a.silent) || a.lastMs - b.lastMs);
}

/** Severities from most to least urgent; others after them, then none. */
const SEVERITY_ORDER = ["critical", "page", "error", "high", "warning", "medium", "info", "low"];

/** The rank of a severity for sorting (lower first). */
export function severityRank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity.toLowerCase());
  return i >= 0 ? i : severity === "" ? SEVERITY_ORDER.length + 1 : SEVERITY_ORDER.length;
}

/** Counts per severity label, most urgent first (`""` for alerts without one). */
export function countBySeverity(
  alerts: readonly { labels: readonly LabelPair[] }[],
): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const s = a.labels.find((l) => l.name === "severity")?.value ?? "";
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => severityRank(a[0]) - severityRank(b[0]) || b[1] - a[1]);
}

/** The colour of a severity's badge. */
export function severityColor(severity: string): string {
  const r = severityRank(severity);
  return r <= 3 ? "red" : r <= 5 ? "orange" : "gray.6";
}

/** `n` and the noun in the number it needs: "1 target", "3 targets" (English plurals in -s). */
export function countOf(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
