/**
 * The routing tree as Alertmanager walks it: each route with its effective options (what it
 * does not set comes from its parent, the root's from Alertmanager's defaults), an alert's
 * matching routes found depth-first (a matching child stops its later siblings unless it has
 * `continue`), and the group key and labels a route gives an alert.
 */
import { goQuote } from "../../../shared/model/go_string.ts";
import type { RouteConfig } from "../config/model.ts";
import { formatMatchers, type Matcher, matchesAll } from "../matchers.ts";

/** A label set: name to value. */
export type LabelSet = Readonly<Record<string, string>>;

/** A route's options once inherited. */
export interface RouteOpts {
  readonly receiver: string;
  /** Labels alerts are grouped by (empty with `groupByAll`). */
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
}

/** A node of the routing tree. */
export interface Route {
  readonly parent: Route | null;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly opts: RouteOpts;
  readonly routes: readonly Route[];
  /** `{}/{a="b"}`: the route's matchers and its ancestors', as Alertmanager keys groups. */
  readonly key: string;
  /** The route's position among its siblings, from the root (`[]` for the root). */
  readonly index: readonly number[];
}

/** Alertmanager's defaults for the root route's timings, in ms. */
export const DEFAULT_ROUTE_OPTS = {
  groupWait: 30_000,
  groupInterval: 5 * 60_000,
  repeatInterval: 4 * 3600_000,
} as const;

/** Builds the tree from the config's root route. */
export function buildRoutes(root: RouteConfig): Route {
  return build(root, null, []);
}

function build(c: RouteConfig, parent: Route | null, index: number[]): Route {
  const p = parent?.opts;
  // An empty `group_by: []` inherits too: 0.25 reads it as unset (observed beside it).
  const inherit = (c.groupBy === undefined || c.groupBy.length === 0) && !c.groupByAll;
  const opts: RouteOpts = {
    receiver: c.receiver || p?.receiver || "",
    groupBy: inherit ? (p?.groupBy ?? []) : [...new Set(c.groupBy)].sort(),
    groupByAll: inherit ? (p?.groupByAll ?? false) : c.groupByAll,
    groupWait: c.groupWait ?? p?.groupWait ?? DEFAULT_ROUTE_OPTS.groupWait,
    groupInterval: c.groupInterval ?? p?.groupInterval ?? DEFAULT_ROUTE_OPTS.groupInterval,
    repeatInterval: c.repeatInterval ?? p?.repeatInterval ?? DEFAULT_ROUTE_OPTS.repeatInterval,
    muteTimeIntervals: c.muteTimeIntervals,
    activeTimeIntervals: c.activeTimeIntervals,
  };
  const key = `${parent === null ? "" : `${parent.key}/`}${formatMatchers(c.matchers)}`;
  const route: Route = {
    parent,
    matchers: c.matchers,
    continue: c.continue,
    opts,
    routes: [],
    key,
    index,
  };
  (route as { routes: readonly Route[] }).routes = c.routes.map((child, i) =>
    build(child, route, [...index, i]),
  );
  return route;
}

/**
 * The routes an alert with `labels` goes to, in order: the deepest matching routes, depth
 * first; the route itself when none of its children matches. Empty when `route` itself does
 * not match.
 */
export function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const found: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    found.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  return found.length === 0 ? [route] : found;
}

/** The labels an alert is grouped by on a route: its `group_by` labels it has, or all with `...`. */
export function groupLabels(route: Route, labels: LabelSet): Record<string, string> {
  const out: Record<string, string> = {};
  const names = route.opts.groupByAll ? Object.keys(labels).sort() : route.opts.groupBy;
  for (const name of names) if (Object.hasOwn(labels, name)) out[name] = labels[name];
  return out;
}

/**
 * The key of the aggregation group an alert joins on a route, as Alertmanager writes it:
 * `<route key>:<group labels>`, e.g. `{}/{severity="critical"}:{alertname="X"}`, the group
 * labels sorted by name and quoted as Go's %q.
 */
export function groupKey(route: Route, labels: LabelSet): string {
  const group = groupLabels(route, labels);
  const pairs = Object.keys(group)
    .sort()
    .map((name) => `${name}=${goQuote(group[name])}`);
  return `${route.key}:{${pairs.join(", ")}}`;
}
