/**
 * The permission each request needs, by method and path. Reads (GET, HEAD, and the query
 * endpoints Prometheus and Loki also take by POST) need `read`; writing silences and posting
 * alerts need `write` (editor); everything else that changes state, and whatever is not
 * listed, needs `admin`: a new route is closed until someone opens it here.
 */
import type { Permission } from "./roles.ts";

/** Paths answered without credentials; `auth.open_paths` adds to none of these by default. */
export const LOGIN_PATH = "/outpost.auth.v1.AuthService/Login";

/** The web UI's client routes: each answers the app's index.html (api/http/ui.ts). */
export const UI_ROUTES = [
  "/login",
  "/explore",
  "/logs",
  "/dashboards",
  "/alerts",
  "/uptime",
  "/admin",
  "/status",
];

/**
 * The public status page's data (api/http/status_page.ts): answered without credentials, and
 * only with what `status_page` chose (404 when it is off). It reads the configured tenant, not
 * the caller's, so it is the one data route outside the guard.
 */
export const STATUS_PAGE_PATH = "/status.json";

/** The rule packs' runbooks (api/http/runbooks.ts), which their alerts link to: page → file in docs/. */
export const RUNBOOKS: Readonly<Record<string, string>> = {
  "/runbooks": "runbooks.md",
  "/runbooks/integrations": "runbooks-integrations.md",
};

/** Prometheus's graph page, which alerts link to (`generatorURL`): a redirect into Explore. */
export const PROMETHEUS_GRAPH_ROUTE = "/graph";

/** A dashboard's page, `/d/<uid>` or Grafana's `/d/<uid>/<slug>`: one or two path segments after `/d/`. */
export const UI_DASHBOARD_ROUTE = /^\/d\/[^/]+(\/[^/]*)?$/;

/**
 * True for the web UI's page and assets, which carry no data and are answered without
 * credentials so that the login page can load; everything the page then reads goes through
 * the Connect API, which stays behind the guard.
 */
export function isUiPath(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  return (
    path === "/" ||
    path.startsWith("/assets/") ||
    UI_ROUTES.includes(path) ||
    path === PROMETHEUS_GRAPH_ROUTE ||
    Object.hasOwn(RUNBOOKS, path) ||
    UI_DASHBOARD_ROUTE.test(path)
  );
}

/** True for the public status page's data, which the guard lets through (see above). */
export function isStatusPagePath(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && path === STATUS_PAGE_PATH;
}

/**
 * Paths of the process's own state, which name every tenant (self-metrics carry `tenant`
 * labels, rule groups' files and names) or the operator's setup (the Alertmanagers of
 * `alerting.alertmanagers`): read only by a principal of every tenant (`*`), such as a
 * scraper's token made for it, or where an operator listed them in `open_paths`.
 */
const PROCESS_PATHS: ReadonlySet<string> = new Set(["/metrics", "/api/v1/alertmanagers"]);

/** True for a path whose answer names every tenant (see {@link PROCESS_PATHS}). */
export function namesEveryTenant(path: string): boolean {
  return PROCESS_PATHS.has(path);
}

/** Query endpoints that take POST bodies but change nothing. */
const READ_POSTS = new Set([
  "/api/v1/query",
  "/api/v1/query_range",
  "/api/v1/query_exemplars",
  "/api/v1/series",
  "/api/v1/labels",
  "/api/v1/format_query",
  "/api/v1/parse_query",
  "/federate",
  "/loki/api/v1/query",
  "/loki/api/v1/query_range",
  "/loki/api/v1/labels",
  "/loki/api/v1/series",
  "/loki/api/v1/index/volume",
  "/loki/api/v1/index/volume_range",
]);

/**
 * Where the ruler API (aggregator/ruler/) is served: Mimir's path, for mimirtool; and the same
 * relative to the Prometheus API's root, where Grafana looks for it beside the query API of a
 * data source whose URL is the aggregator's (it expects both under one URL).
 */
export const RULER_PREFIXES = ["/prometheus/config/v1/rules", "/config/v1/rules"] as const;

/** True for a path of the ruler API. */
export function isRulerPath(path: string): boolean {
  return RULER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Connect services by the permission their calls need. */
const SERVICES: Record<string, Permission> = {
  "outpost.query.v1.QueryService": "read",
  "outpost.logs.v1.LogsService": "read",
  "outpost.alerts.v1.AlertsService": "read",
  "outpost.auth.v1.AuthService": "read",
  "outpost.admin.v1.AdminService": "admin",
  "outpost.uptime.v1.UptimeService": "read",
  "outpost.dashboards.v1.DashboardsService": "read",
};

/** Connect calls whose permission differs from their service's default. */
const ALERTS = "/outpost.alerts.v1.AlertsService/";
const PROCEDURES: Record<string, Permission> = {
  [`${ALERTS}CreateSilence`]: "write",
  [`${ALERTS}UpdateSilence`]: "write",
  [`${ALERTS}ExpireSilence`]: "write",
  // Sends a real notification through the receiver's integrations.
  [`${ALERTS}TestReceiver`]: "write",
  ...Object.fromEntries(
    [
      "SaveDashboard",
      "DeleteDashboard",
      "ImportDashboard",
      "RestoreVersion",
      "CreateFolder",
      "RenameFolder",
      "DeleteFolder",
    ].map((m): [string, Permission] => [`/outpost.dashboards.v1.DashboardsService/${m}`, "write"]),
  ),
};

/** The permission a request needs. */
export function permissionFor(method: string, path: string): Permission {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return "read";
  const service = /^\/([a-z0-9_.]+\.[A-Za-z0-9]+Service)\/[A-Za-z0-9]+$/.exec(path)?.[1];
  if (service !== undefined) return PROCEDURES[path] ?? SERVICES[service] ?? "admin";
  if (READ_POSTS.has(path) || path.startsWith("/api/v1/label/")) return "read";
  if (path === "/api/v2/alerts" && method === "POST") return "write";
  if (path === "/api/v2/silences" || path.startsWith("/api/v2/silence/")) return "write";
  // Mimir's ruler API: uploading and deleting a tenant's rule groups is an editor's.
  if (isRulerPath(path)) return "write";
  return "admin";
}

/** True for Connect procedure paths, which answer errors in Connect's JSON. */
export function isConnectPath(path: string): boolean {
  return /^\/[a-z0-9_.]+\.[A-Za-z0-9]+Service\/[A-Za-z0-9]+$/.test(path);
}
