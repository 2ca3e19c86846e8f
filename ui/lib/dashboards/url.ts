/**
 * A dashboard page's URL state, as Grafana writes it: `/d/<uid>?from=now-6h&to=now&refresh=30s`
 * with `var-<name>=<value>` once per selected value (an ad hoc filter as `key|op|value`).
 */
import type { RawTimeRange } from "./timerange.ts";

/** What the URL of a dashboard page says. */
export interface DashboardUrlState {
  uid: string;
  time?: RawTimeRange;
  /** `""` is "off"; undefined is the dashboard's own. */
  refresh?: string;
  vars: Record<string, string[]>;
  /** False with `fast=off`: the page's fast paths off (components/dashboards/near.tsx). */
  fast?: false;
}

/** The dashboard uid of a path (`/d/<uid>` or `/d/<uid>/<slug>`), or undefined. */
export function dashboardUid(path: string): string | undefined {
  const m = /^\/d\/([^/]+)(?:\/[^/]*)?$/.exec(path);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** The state of a dashboard page's path and query string. */
export function parseDashboardUrl(path: string, search: string): DashboardUrlState | undefined {
  const uid = dashboardUid(path);
  if (uid === undefined) return undefined;
  const q = new URLSearchParams(search);
  const vars: Record<string, string[]> = {};
  for (const [k, v] of q) {
    if (!k.startsWith("var-")) continue;
    const name = k.slice(4);
    vars[name] = [...(vars[name] ?? []), v];
  }
  const from = q.get("from");
  const to = q.get("to");
  const refresh = q.get("refresh");
  return {
    uid,
    ...(from && to ? { time: { from, to } } : {}),
    ...(refresh !== null ? { refresh: refresh === "off" ? "" : refresh } : {}),
    vars,
    ...(q.get("fast") === "off" ? { fast: false as const } : {}),
  };
}

/** The path and query string of a state. */
export function formatDashboardUrl(s: DashboardUrlState): string {
  const q = new URLSearchParams();
  if (s.time) {
    q.set("from", s.time.from);
    q.set("to", s.time.to);
  }
  if (s.refresh !== undefined) q.set("refresh", s.refresh === "" ? "off" : s.refresh);
  for (const [name, values] of Object.entries(s.vars))
    for (const v of values) q.append(`var-${name}`, v);
  if (s.fast === false) q.set("fast", "off");
  const text = q.toString();
  return `/d/${encodeURIComponent(s.uid)}${text ? `?${text}` : ""}`;
}

/** Grafana's default `min_refresh_interval`: a dashboard is not asked again more often. */
export const MIN_REFRESH = "5s";
const MIN_REFRESH_MS = 5_000;

/**
 * The refresh interval a dashboard runs at: `refresh` ("" off), raised to MIN_REFRESH when it
 * is shorter, as Grafana raises it, so a shared link with `refresh=1ms` cannot have every
 * viewer's page ask its queries many times a second. `ms` reads a duration (undefined: none).
 */
export function effectiveRefresh(refresh: string, ms: (d: string) => number | undefined): string {
  const every = ms(refresh);
  return every !== undefined && every < MIN_REFRESH_MS ? MIN_REFRESH : refresh;
}
