/**
 * A dashboard's answer parsed and migrated once, and its variables (the `LabelValues` chain) as
 * a query: the page asks them through these options, and `startVariables` asks the same ones
 * for early.ts's start before the page renders.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { GetDashboardResponse } from "../../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { variableSource } from "./api.ts";
import { pageStorage, readHints, saveHints } from "./hints.ts";
import type { Scope } from "./interpolate.ts";
import { panelInterval, timeBuiltins } from "./intervals.ts";
import { migrateDashboard } from "./migrate.ts";
import { type RawTimeRange, resolveRange } from "./timerange.ts";
import type { DashboardModel } from "./types.ts";
import type { DashboardUrlState } from "./url.ts";
import { resolveVariables, selectionsOf, type VariableState } from "./variables.ts";

/** The range a dashboard shows when neither the URL nor the dashboard says one. */
export const DEFAULT_TIME: RawTimeRange = { from: "now-6h", to: "now" };

/** Variable answers by interpolated query, kept across resolutions (variables.ts). */
export type VariableCache = Map<string, Promise<string[]>>;

/** A dashboard's answer parsed and migrated, or why it cannot be. */
export type ParsedDashboard = { model: DashboardModel; folderUid: string } | { error: string };

const parsed = new WeakMap<GetDashboardResponse, ParsedDashboard | undefined>();

/** The answer's dashboard as migrated, once per answer (the early start and the page share it). */
export function parseDashboard(
  answer: GetDashboardResponse,
  uid: string,
): ParsedDashboard | undefined {
  if (parsed.has(answer)) return parsed.get(answer);
  const d = answer.dashboard;
  let out: ParsedDashboard | undefined;
  if (d) {
    try {
      out = {
        model: migrateDashboard(JSON.parse(d.json) as DashboardModel),
        folderUid: d.meta?.folderUid ?? "",
      };
    } catch (err) {
      out = {
        error: `Cannot show dashboard "${uid}": its JSON does not parse (${err instanceof Error ? err.message : String(err)})`,
      };
    }
  }
  parsed.set(answer, out);
  return out;
}

/** The dashboard-wide built-ins (`$__range`, `$__interval` at 1,000 points) for variable queries. */
export function builtinScope(range: { from: number; to: number }): Scope {
  const out: Scope = {};
  for (const [k, v] of Object.entries(
    timeBuiltins(range, panelInterval(range.to - range.from, 1000)),
  )) {
    out[k] = { values: [v], multi: false, raw: true };
  }
  return out;
}

/** True when some variable is asked again at each range change (`refresh: 2`). */
export function variablesByTime(model: DashboardModel): boolean {
  return (model.templating?.list ?? []).some((v) => v.refresh === 2);
}

/** The variables' resolution as a query: keyed by the list and the URL's selection (and the range for `refresh: 2`). */
export function variablesQuery(
  model: DashboardModel,
  wanted: Record<string, string[]>,
  range: { from: number; to: number },
  cache: VariableCache,
) {
  const list = model.templating?.list ?? [];
  return {
    queryKey: ["dashboard-vars", model.uid, list, wanted, variablesByTime(model) ? range : "load"],
    queryFn: async (): Promise<VariableState[]> => {
      // A dashboard not saved yet has no uid, and no hints.
      const storage = model.uid ? pageStorage() : undefined;
      const uid = model.uid ?? "";
      const states = await resolveVariables(list, {
        range,
        source: variableSource,
        wanted,
        builtins: builtinScope(range),
        cache,
        hints: readHints(storage, uid),
      });
      if (list.length > 0) saveHints(storage, uid, selectionsOf(states));
      return states;
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  } as const;
}

/** The range a dashboard page resolves to now. */
export function pageRange(url: DashboardUrlState, model: DashboardModel) {
  return resolveRange(url.time ?? model.time ?? DEFAULT_TIME, Date.now(), model.timezone === "utc");
}

// The variable answers the early start got, for the page to keep asking through (by uid).
const earlyCaches = new Map<string, VariableCache>();

/** The variable answers the early start got for `uid` (once), else a new cache. */
export function takeVariableCache(uid: string): VariableCache {
  const cache = earlyCaches.get(uid) ?? new Map();
  earlyCaches.delete(uid);
  return cache;
}

/**
 * Asks the variables of a dashboard `main.tsx`'s early start got (early.ts) into `client`, unless
 * they follow the range (their key holds the page's own range) or the range does not parse.
 */
export async function startVariables(
  client: QueryClient,
  url: DashboardUrlState,
  answer: GetDashboardResponse,
) {
  const got = parseDashboard(answer, url.uid);
  if (!got || "error" in got || variablesByTime(got.model)) return;
  let range: { from: number; to: number };
  try {
    range = pageRange(url, got.model);
  } catch {
    return;
  }
  const cache: VariableCache = new Map();
  earlyCaches.set(url.uid, cache);
  await client.prefetchQuery(variablesQuery(got.model, url.vars, range, cache));
}
