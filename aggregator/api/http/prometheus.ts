/**
 * The Prometheus HTTP API (`/api/v1/…`, and `/federate`) over Outpost's engine and storage, so that Grafana,
 * promtool and other Prometheus clients query an aggregator as they would a Prometheus 3.
 * Each route reads its parameters as Go's `Request.Form` (query string and url-encoded POST
 * body), answers with Prometheus's JSON envelope, and maps every failure to its error type.
 */

import { type Context, Hono } from "hono";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { originTrusted } from "../../auth/origin.ts";
import { tenantsOf } from "../../auth/tenants.ts";
import type { Engine } from "../../promql/engine/engine.ts";
import { OutOfMemoryError } from "../../promql/engine/limits.ts";
import type { Queryable } from "../../storage/storage.ts";
import { forTenants, metadataFor, type PerTenants, type TenantMetadata } from "../tenants.ts";
import { formatQuery, queryExemplars } from "./expr.ts";
import { federate } from "./federate.ts";
import { Form } from "./form.ts";
import type { AnswerWriting } from "./large_answers.ts";
import { metadata } from "./metadata.ts";
import { instantQuery, rangeQuery } from "./query.ts";
import { failure, json, toApiError } from "./respond.ts";
import { labelNames, labelValues, pathSegment, series } from "./series.ts";
import {
  type AlertmanagerURLs,
  alertmanagers,
  type BuildInfo,
  buildInfo,
  runtimeInfo,
} from "./status.ts";

const log = logger("api");

/** What the API answers from. */
export interface PrometheusApiDeps {
  readonly engine: Engine;
  /** The stored series of the request's tenants (tenants.ts), for queries and lookups. */
  readonly queryable: PerTenants<Queryable>;
  /** HELP/TYPE/UNIT of the request's tenants' metric families; `metadata` answers `{}` without it. */
  readonly metadata?: TenantMetadata;
  readonly buildInfo: BuildInfo;
  /** The push URLs of `alerting.alertmanagers`, found and dropped, for `/api/v1/alertmanagers`. */
  readonly alertmanagers?: () => AlertmanagerURLs;
  /** `global.external_labels`, which `/federate` adds to the series that lack them. */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** How long raw samples are kept (`30d`), for `status/runtimeinfo`. */
  readonly storageRetention?: string;
  /** Where request counts and durations are recorded. */
  readonly registry?: Registry;
  /** The clock (Unix ms); tests pin it. */
  readonly now?: () => number;
  /** How large answers are written: the JSON writer and its helper thread (EncodeHelper). */
  readonly writing?: AnswerWriting;
  /**
   * Origins whose pages may read answers cross-origin (`auth.trusted_origins`; `*` any, as
   * Prometheus's default `--web.cors.origin=".*"`). None by default: a page on another site
   * could otherwise read a loopback aggregator's data with authentication off.
   */
  readonly corsOrigins?: readonly string[];
}

type Handler = (form: Form, c: Context) => Response | Promise<Response>;

/** CORS headers as Prometheus sends them to an origin its `--web.cors.origin` matches. */
const CORS = {
  "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type, Origin",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Expose-Headers": "Date",
};

/** Builds the routes of the Prometheus API; mount the result on the server's app. */
export function prometheusApi(deps: PrometheusApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  const startTime = now();
  // Every store read is of the tenants the guard resolved for the request.
  const stored = (c: Context) => forTenants(deps.queryable, tenantsOf(c));
  const query = (c: Context) => ({
    engine: deps.engine,
    queryable: stored(c),
    now,
    writing: deps.writing,
  });
  const route = routeMaker(app, deps.registry, deps.corsOrigins ?? []);
  const both = ["GET", "POST"];
  route(both, "/api/v1/query", (f, c) => instantQuery(f, c.req.raw.signal, query(c)));
  route(both, "/api/v1/query_range", (f, c) => rangeQuery(f, c.req.raw.signal, query(c)));
  route(both, "/api/v1/query_exemplars", (f) => queryExemplars(f));
  route(both, "/api/v1/format_query", (f) => formatQuery(f));
  route(both, "/api/v1/series", (f, c) => series(f, stored(c), c.req.raw.signal));
  // Prometheus 2.42 has the route and answers it so (series are deleted by the admin API).
  route(["DELETE"], "/api/v1/series", () =>
    json('{"status":"error","errorType":"internal","error":"not implemented"}', 500),
  );
  route(both, "/api/v1/labels", (f, c) => labelNames(f, stored(c), c.req.raw.signal));
  route(["GET"], "/api/v1/label/:name/values", (f, c) => {
    // From the raw path: the router leaves an escape that is not UTF-8 (%FF) as its text.
    const raw = new URL(c.req.url).pathname.split("/")[4] ?? "";
    return labelValues(pathSegment(raw), f, stored(c), c.req.raw.signal);
  });
  route(["GET"], "/api/v1/metadata", (f, c) =>
    metadata(f, metadataFor(deps.metadata, tenantsOf(c))),
  );
  // GET only, as in Prometheus 2.42 (a POST gets its 405).
  route(["GET"], "/federate", (f, c) =>
    federate(f, stored(c), deps.externalLabels ?? {}, now(), c.req.raw.signal),
  );
  route(["GET"], "/api/v1/alertmanagers", () =>
    alertmanagers(deps.alertmanagers?.() ?? { active: [], dropped: [] }),
  );
  route(["GET"], "/api/v1/status/buildinfo", () => buildInfo(deps.buildInfo));
  route(["GET"], "/api/v1/status/runtimeinfo", () =>
    runtimeInfo({ startTime, storageRetention: deps.storageRetention }),
  );
  route.notAllowedElse();
  const cors = deps.corsOrigins ?? [];
  app.options("/api/v1/*", (c) => withCors(c.req.raw, new Response(null, { status: 204 }), cors));
  return app;
}

/** Registers handlers wrapped with form reading, error mapping, CORS and request metrics. */
function routeMaker(app: Hono, registry: Registry | undefined, cors: readonly string[]) {
  const requests = registry?.counter(
    "outpost_http_requests_total",
    "Prometheus API requests answered, by handler and HTTP status code.",
    ["handler", "code"],
  );
  const durations = registry?.histogram(
    "outpost_http_request_duration_seconds",
    "Time taken to answer Prometheus API requests, by handler.",
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 120],
    ["handler"],
  );
  const outOfMemory = registry?.counter(
    "outpost_query_out_of_memory_total",
    "Queries refused because reading their samples from storage, or evaluating them, ran out of memory.",
    ["stage"],
  );
  const refused = (err: OutOfMemoryError) => outOfMemory?.labels({ stage: err.stage }).inc();
  /** Each path's methods, for the 405s registered after every route. */
  const taken = new Map<string, string[]>();
  const route = (methods: string[], path: string, handler: Handler): void => {
    app.on(methods, path, async (c) => {
      const started = performance.now();
      const response = await answer(path, handler, c, refused);
      requests?.labels({ handler: path, code: String(response.status) }).inc();
      durations?.observe((performance.now() - started) / 1000, { handler: path });
      return withCors(c.req.raw, response, cors);
    });
    taken.set(path, [...(taken.get(path) ?? []), ...methods]);
  };
  /**
   * Another method on a known path is 405 with the methods it takes, as Prometheus's router
   * answers (OPTIONS is CORS's, HEAD the GET handler's). Called once every route is in.
   */
  route.notAllowedElse = () => {
    for (const [path, methods] of taken) {
      const others = ["GET", "POST", "PUT", "DELETE", "PATCH"].filter((m) => !methods.includes(m));
      const allow = [...methods, "OPTIONS"].sort().join(", ");
      if (others.length > 0) app.on(others, path, () => notAllowed(allow));
    }
  };
  return route;
}

/** Prometheus's plain-text 405. */
function notAllowed(allow: string): Response {
  return new Response("Method Not Allowed\n", {
    status: 405,
    headers: {
      Allow: allow,
      "Content-Type": "text/plain; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

async function answer(
  path: string,
  handler: Handler,
  c: Context,
  refused: (err: OutOfMemoryError) => void,
): Promise<Response> {
  try {
    return await handler(await Form.read(c.req.raw), c);
  } catch (err) {
    if (err instanceof OutOfMemoryError) {
      // Too big a query, not a fault: the client is told (422), the operator counts them.
      refused(err);
      log.warn("Refused a query that ran out of memory", { path, error: err.message });
    }
    const apiError = toApiError(err);
    if (c.req.raw.signal.aborted || (err as Error).name === "AbortError") {
      // The client hung up (its request or our answer cut short): nothing is wrong here.
      log.debug("A client closed its connection before its answer", { path });
    } else if (apiError.code === "internal") {
      // Anything internal is a bug or a storage failure: the client sees it, the operator too.
      log.error("Cannot answer a Prometheus API request", { path, error: apiError.message });
    }
    return failure(apiError);
  }
}

function withCors(req: Request, res: Response, trusted: readonly string[]): Response {
  const origin = req.headers.get("origin");
  if (origin === null || !originTrusted(origin, trusted)) return res;
  res.headers.set("Access-Control-Allow-Origin", origin);
  for (const [k, v] of Object.entries(CORS)) res.headers.set(k, v);
  return res;
}
