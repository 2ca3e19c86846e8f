/**
 * The SLOs tab's model: the alerting thresholds read from the generated alert rules in force
 * (`max(slo:sli_error:ratio_rate1h{…} > (14.4 * 0.001)) without (sloth_window)`: a burn factor
 * per window, docs/slo.md), the burn-rate series query, and budget figures as text.
 */
import { formatDuration, parseDuration } from "./time.ts";

/** One threshold of a generated alert: its severity, the window it reads and the burn factor. */
export interface Threshold {
  severity: string;
  windowText: string;
  factor: number;
}

const OVER =
  /slo:sli_error:ratio_rate(\w+)\{[^}]*\}\s*>\s*\(\s*([0-9.eE+-]+)\s*\*\s*[0-9.eE+-]+\s*\)/g;

/** The SLO's alert group name, as Sloth names it. */
export function alertGroupName(sloId: string): string {
  return `sloth-slo-alerts-${sloId}`;
}

/** The thresholds in the alert rules' expressions, one per severity and factor, largest first. */
export function thresholdsOf(
  rules: readonly { query: string; labels: readonly { name: string; value: string }[] }[],
): Threshold[] {
  const out = new Map<string, Threshold & { windows: string[] }>();
  for (const r of rules) {
    const severity = r.labels.find((l) => l.name === "sloth_severity")?.value ?? "";
    for (const m of r.query.matchAll(OVER)) {
      const factor = Number(m[2]);
      const key = `${severity}/${factor}`;
      const t = out.get(key) ?? { severity, windowText: "", factor, windows: [] };
      if (!t.windows.includes(m[1])) t.windows.push(m[1]);
      out.set(key, t);
    }
  }
  return [...out.values()]
    .map(({ windows, ...t }) => ({ ...t, windowText: windows.join(", ") }))
    .sort((a, b) => b.factor - a.factor);
}

/** The query whose series, divided by the budget, are the SLO's burn rates per window. */
export function burnRateQuery(sloId: string): string {
  return `{__name__=~"slo:sli_error:ratio_rate.+", sloth_id=${JSON.stringify(sloId)}}`;
}

/** The error budget of an objective in percent, as a ratio (99.9 → 0.001). */
export function budgetOf(objective: number): number {
  return 1 - objective / 100;
}

/** A share as a percentage with one decimal; "no data" when absent. */
export function percent(v: number | undefined): string {
  return v === undefined ? "no data" : `${(v * 100).toFixed(1)} %`;
}

/** An SLO window as Sloth writes it: whole days as days (`30d`, not `4w2d`). */
export function windowText(ms: number): string {
  const day = 86_400_000;
  if (ms >= day && ms % day === 0) return `${ms / day}d`;
  return formatDuration(ms);
}

/** The order of burn-rate series: by their window, shortest first. */
export function byWindow(a: string, b: string): number {
  return (parseDuration(a) ?? 0) - (parseDuration(b) ?? 0);
}
