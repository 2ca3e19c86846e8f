/**
 * Loki's HTTP query API (`/loki/api/v1/…`) over Outpost's log storage and LogQL engine, so
 * that Grafana's Loki data source, logcli and `outpost logs` read an aggregator as they would
 * a Loki 3. Parameters are read as Go's `Request.Form`; failures answer Loki's plain-text
 * errors with its status codes; the `tail` WebSocket needs Bun.serve's `websocket` handler
 * (re-exported here as `lokiWebSocket`).
 */
import { type Context, Hono } from "hono";
import { websocket } from "hono/bun";
import { logger } from "../../../../shared/log/log.ts";
import type { Registry } from "../../../../shared/metrics/registry.ts";
import { tenantsOf } from "../../../auth/tenants.ts";
import { tenantsLogQueryable } from "../../../logs/federated.ts";
import { runLogQuery } from "../../../logs/logql/query.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import type { TailRegistry } from "../../../logs/tail/registry.ts";
import { MAX_TAILS_PER_TENANT } from "../../logs/tail.ts";
import { Form } from "../form.ts";
import { indexStats, labelLookup, series } from "./labels.ts";
import { instantQuery, type QueryRequest, type RunLogQuery, rangeQuery } from "./query.ts";
import { failure, toLokiError } from "./respond.ts";
import { CATEGORIZE_LABELS } from "./streams.ts";
import { tailHandler } from "./tail.ts";

const log = logger("loki-api");

/**
 * Bun.serve's `websocket` option for the `tail` route (Hono's Bun adapter: it serves every
 * route upgraded with `hono/bun`'s `upgradeWebSocket`, not only this one).
 */
export const lokiWebSocket = websocket;

/** What the Loki API answers from. */
export interface LokiApiDeps {
  /**
   * The log storage of one tenant. A request reads the tenants the guard resolved from its
   * principal and `X-Scope-OrgID` (federated, with `__tenant_id__`, when there are several).
   */
  readonly logs: (tenant: string) => LogQueryable;
  /** Where request counts by handler and status, and tail poll failures, are recorded. */
  readonly registry?: Registry;
  /** How long one query may run (Loki's `query_timeout`, 1 m by default). */
  readonly queryTimeoutMs?: number;
  /**
   * Pushes ingested lines to tails; without it a tail polls storage every `tailPollMs`.
   * `tailMaxQueued`: lines a pushed tail's client may have waiting (10,000 by default).
   */
  readonly tails?: TailRegistry;
  readonly tailMaxQueued?: number;
  /** How often a polling tail looks for new lines (500 ms by default). */
  readonly tailPollMs?: number;
  /** Tails served at once (Loki's `max_concurrent_tail_requests`, 10 by default). */
  readonly maxTails?: number;
  /** The LogQL engine; tests may swap it. */
  readonly run?: RunLogQuery;
  /** The clock in Unix ms; tests pin it. */
  readonly now?: () => number;
}

type Handler = (form: Form, source: LogQueryable, c: Context) => Response | Promise<Response>;

/** Builds the routes of Loki's query API; mount the result on the server's app at `/`. */
export function lokiApi(deps: LokiApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  const nowNs = () => BigInt(Math.floor(now())) * 1_000_000n;
  const query = { run: deps.run ?? runLogQuery, nowNs, timeoutMs: deps.queryTimeoutMs ?? 60_000 };
  const route = routeMaker(app, deps);
  const both = ["GET", "POST"];
  const v1 = "/loki/api/v1";
  route(both, `${v1}/query`, (f, s, c) => instantQuery(queryRequest(f, s, c), query));
  route(both, `${v1}/query_range`, (f, s, c) => rangeQuery(queryRequest(f, s, c), query));
  route(both, `${v1}/labels`, (f, s) => labelLookup(f, s, nowNs(), undefined));
  route(both, `${v1}/label/:name/values`, (f, s, c) =>
    labelLookup(f, s, nowNs(), c.req.param("name")),
  );
  route(both, `${v1}/series`, (f, s) => series(f, s, nowNs()));
  route(both, `${v1}/index/stats`, (f, s) => indexStats(f, s, nowNs()));
  const tailDeps = {
    ...query,
    pollMs: deps.tailPollMs ?? 500,
    maxTails: deps.maxTails ?? MAX_TAILS_PER_TENANT,
    pollErrors: deps.registry?.counter(
      "outpost_loki_tail_poll_errors_total",
      "Polls of log storage by open tails that failed (the tail keeps polling).",
    ),
    open: deps.registry?.gauge("outpost_loki_tails", "Tails open on the Loki API."),
  };
  const push = deps.tails && { tails: deps.tails, maxQueued: deps.tailMaxQueued ?? 10_000 };
  const tail = tailHandler(tailDeps, push);
  route(["GET"], `${v1}/tail`, tail);
  return app;
}

function queryRequest(form: Form, source: LogQueryable, c: Context): QueryRequest {
  const flags = (c.req.header("X-Loki-Response-Encoding-Flags") ?? "").split(",");
  const categorize = flags.some((f) => f.trim() === CATEGORIZE_LABELS);
  return { form, source, signal: c.req.raw.signal, categorize };
}

/** Registers handlers wrapped with form reading, tenant choice, error mapping and metrics. */
function routeMaker(app: Hono, deps: LokiApiDeps) {
  const requests = deps.registry?.counter(
    "outpost_loki_http_requests_total",
    "Loki API requests answered, by handler and HTTP status code (errors are the non-2xx codes).",
    ["handler", "code"],
  );
  const durations = deps.registry?.histogram(
    "outpost_loki_http_request_duration_seconds",
    "Time taken to answer Loki API requests, by handler.",
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    ["handler"],
  );
  return (methods: string[], path: string, handler: Handler): void => {
    app.on(methods, path, async (c) => {
      const started = performance.now();
      const response = await answer(path, async () =>
        handler(await Form.read(c.req.raw), tenantsLogQueryable(tenantsOf(c), deps.logs), c),
      );
      requests?.labels({ handler: path, code: String(response.status) }).inc();
      durations?.observe((performance.now() - started) / 1000, { handler: path });
      return response;
    });
  };

  async function answer(path: string, run: () => Response | Promise<Response>): Promise<Response> {
    try {
      return await run();
    } catch (err) {
      const lokiError = toLokiError(err);
      if (lokiError.status >= 500 && lokiError.status !== 504) {
        // Anything else 5xx is a bug or a storage failure: the client sees it, the operator too.
        log.error("Cannot answer a Loki API request", { path, error: lokiError.message });
      }
      return failure(lokiError);
    }
  }
}
