/**
 * `/loki/api/v1/query` and `/loki/api/v1/query_range`: parameters read as Loki reads them,
 * the query run by the LogQL engine under a deadline, the answer encoded with its stats.
 */

import { OutpostError } from "../../../../shared/errors/errors.ts";
import { parseLogQL } from "../../../logs/logql/parser.ts";
import type { LogQueryOptions, LogQueryResult, LogQueryStats } from "../../../logs/result.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import type { Form } from "../form.ts";
import { readInstantParams, readRangeParams } from "./params.ts";
import { CLIENT_CANCELED, DEADLINE_EXCEEDED, json, queryBody } from "./respond.ts";

/** Loki's answer to a log query sent as an instant query (`ErrUnsupportedSyntaxForInstantQuery`). */
export const LOG_QUERY_NOT_INSTANT =
  "log queries are not supported as an instant query type, please change your query to a range query type";

/** The engine's entry point, as `aggregator/logs/logql/query.ts` exports it. */
export type RunLogQuery = (
  source: LogQueryable,
  query: string,
  opts: LogQueryOptions,
) => Promise<{ result: LogQueryResult; stats: LogQueryStats }>;

/** What the query handlers need. */
export interface QueryDeps {
  readonly run: RunLogQuery;
  /** The clock in Unix ns: the default `time` and `end`. */
  readonly nowNs: () => bigint;
  /** How long one query may run (Loki's `query_timeout`). */
  readonly timeoutMs: number;
}

/** One request: its parameters, whom it reads, when its client leaves, how it wants streams. */
export interface QueryRequest {
  readonly form: Form;
  readonly source: LogQueryable;
  readonly signal: AbortSignal;
  /** The `categorize-labels` encoding flag was asked for. */
  readonly categorize: boolean;
}

/** Answers `/loki/api/v1/query`; log queries are refused, as Loki 3 refuses them. */
export async function instantQuery(req: QueryRequest, deps: QueryDeps): Promise<Response> {
  const p = readInstantParams(req.form, deps.nowNs());
  const opts = {
    startNs: p.timeNs,
    endNs: p.timeNs,
    stepMs: 0,
    limit: p.limit,
    direction: p.direction,
    instant: true,
  };
  if (parseLogQL(p.query).kind === "log") throw new OutpostError("bad_data", LOG_QUERY_NOT_INSTANT);
  const out = await withDeadline(req.signal, deps.timeoutMs, (s) =>
    deps.run(req.source, p.query, { ...opts, signal: s }),
  );
  return json(queryBody(out.result, out.stats, req.categorize));
}

/** Answers `/loki/api/v1/query_range` for log and metric queries. */
export async function rangeQuery(req: QueryRequest, deps: QueryDeps): Promise<Response> {
  const p = readRangeParams(req.form, deps.nowNs());
  const opts = {
    startNs: p.startNs,
    endNs: p.endNs,
    stepMs: Number(p.stepNs) / 1e6,
    limit: p.limit,
    direction: p.direction,
    instant: false,
  };
  const out = await withDeadline(req.signal, deps.timeoutMs, (s) =>
    deps.run(req.source, p.query, { ...opts, signal: s }),
  );
  return json(queryBody(out.result, out.stats, req.categorize));
}

/**
 * Runs `work` with a signal that aborts when the client goes away or `timeoutMs` passes, and
 * settles at that moment even if the engine has not noticed yet.
 */
export async function withDeadline<T>(
  client: AbortSignal,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onClientGone = () => controller.abort(new OutpostError("canceled", CLIENT_CANCELED));
  if (client.aborted) onClientGone();
  else client.addEventListener("abort", onClientGone, { once: true });
  const timer = setTimeout(
    () => controller.abort(new OutpostError("timeout", DEADLINE_EXCEEDED)),
    Math.min(timeoutMs, 2 ** 31 - 1),
  );
  const signal = controller.signal;
  try {
    if (signal.aborted) throw signal.reason;
    const running = work(signal);
    return await new Promise<T>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      running.then(resolve, (err) => reject(signal.aborted ? signal.reason : err));
    });
  } finally {
    clearTimeout(timer);
    client.removeEventListener("abort", onClientGone);
  }
}
