/**
 * Probe targets as the uptime API reports them: every `probe_success` series in the longest
 * window, with its state, last check, response time, certificate expiry and SLA per window,
 * each read with one PromQL query over all targets at once. An SLA is
 * `avg_over_time(probe_success{…}[w])` at the request's time, nothing else.
 */
import { compareLabels, type Labels } from "../../shared/model/labels.ts";
import type { QueryResult } from "../promql/value.ts";

/** How the uptime code reads series: through the query service's functions and limits. */
export interface UptimeQueries {
  /** An instant query at `timeMs`; `lookbackMs` 0 is the engine's default. */
  instant(query: string, timeMs: number, lookbackMs?: number): Promise<QueryResult>;
  /** A range query from `startMs` to `endMs` every `stepMs`. */
  range(query: string, startMs: number, endMs: number, stepMs: number): Promise<QueryResult>;
}

/** The availability over one window ending at the request's time. */
export interface Sla {
  readonly windowMs: number;
  /** `avg_over_time(probe_success[w])`; NaN without samples. */
  readonly ratio: number;
  /** From the first stored sample (or the window's start, if earlier) to the request's time. */
  readonly coveredMs: number;
  readonly samples: number;
}

/** A target's state: its latest `probe_success` within the staleness window. */
export type TargetState = "up" | "down" | "unknown";

/** One probe target. */
export interface TargetStatus {
  /** Its `probe_success` labels without `__name__`. */
  readonly labels: Labels;
  readonly state: TargetState;
  /** 0 when none. */
  readonly lastCheckMs: number;
  /** NaN when none. */
  readonly lastDurationSeconds: number;
  /** 0 when the target has no TLS probe. */
  readonly certExpiryMs: number;
  /** 0 when none. */
  readonly httpStatusCode: number;
  readonly sla: readonly Sla[];
}

/** What to compute: `matchers` is the inside of a selector's braces (`job="web"`) or "". */
export interface TargetsRequest {
  readonly matchers: string;
  readonly windowsMs: readonly number[];
  readonly timeMs: number;
  /** 0: the engine's lookback delta. */
  readonly stalenessMs: number;
}

/** The targets matching `r.matchers`, sorted by labels. */
export async function probeTargets(q: UptimeQueries, r: TargetsRequest): Promise<TargetStatus[]> {
  const T = r.timeMs;
  const longest = `[${Math.max(...r.windowsMs)}ms]`;
  const sel = (metric: string) => `${metric}{${r.matchers}}`;
  const byKey = (query: string, lookback?: number) =>
    q.instant(query, T, lookback).then(valuesByKey);
  const [first, lastTs, duration, cert, status, now, ...perWindow] = await Promise.all([
    byKey(`ts_of_first_over_time(${sel("probe_success")}${longest})`),
    byKey(`ts_of_last_over_time(${sel("probe_success")}${longest})`),
    byKey(`last_over_time(${sel("probe_duration_seconds")}${longest})`),
    byKey(`last_over_time(${sel("probe_ssl_earliest_cert_expiry")}${longest})`),
    byKey(`last_over_time(${sel("probe_http_status_code")}${longest})`),
    byKey(sel("probe_success"), r.stalenessMs),
    ...r.windowsMs.flatMap((w) => [
      byKey(`avg_over_time(${sel("probe_success")}[${w}ms])`),
      byKey(`count_over_time(${sel("probe_success")}[${w}ms])`),
    ]),
  ]);
  const out: TargetStatus[] = [];
  for (const [key, firstS] of first) {
    const firstMs = Math.round(firstS.v * 1000);
    const latest = now.get(key)?.v;
    out.push({
      labels: firstS.labels,
      state:
        latest === undefined || Number.isNaN(latest) ? "unknown" : latest === 0 ? "down" : "up",
      lastCheckMs: Math.round((lastTs.get(key)?.v ?? 0) * 1000),
      lastDurationSeconds: duration.get(key)?.v ?? Number.NaN,
      certExpiryMs: Math.round((cert.get(key)?.v ?? 0) * 1000),
      httpStatusCode: status.get(key)?.v ?? 0,
      sla: r.windowsMs.map((w, i) => ({
        windowMs: w,
        ratio: perWindow[2 * i].get(key)?.v ?? Number.NaN,
        coveredMs: T - Math.max(T - w, firstMs),
        samples: perWindow[2 * i + 1].get(key)?.v ?? 0,
      })),
    });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

interface Keyed {
  readonly labels: Labels;
  readonly v: number;
}

/** An instant vector by its labels without `__name__` (functions drop it; selectors keep it). */
function valuesByKey(result: QueryResult): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  if (result.type !== "vector") return out;
  for (const s of result.samples) {
    const labels = withoutName(s.labels);
    out.set(seriesKey(labels), { labels, v: s.v });
  }
  return out;
}

/** The labels without `__name__`. */
export function withoutName(labels: Labels): Labels {
  const i = labels.indexOf("__name__");
  return i >= 0 && i % 2 === 0 ? [...labels.slice(0, i), ...labels.slice(i + 2)] : labels;
}

/** A map key for a label set. */
export function seriesKey(labels: Labels): string {
  return labels.join("\xff");
}
