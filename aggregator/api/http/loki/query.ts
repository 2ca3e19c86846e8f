/**
 * `/loki/api/v1/query` and `/loki/api/v1/query_range`: parameters read as Loki reads them,
 * the query run by the shared query function (../../logs/run.ts) under a deadline, the answer
 * encoded with its stats.
 */

import type { LogQueryable } from "../../../logs/source.ts";
import { queryLogs, type RunLogQuery } from "../../logs/run.ts";
import type { Form } from "../form.ts";
import { readInstantParams, readRangeParams } from "./params.ts";
import { json, queryBody } from "./respond.ts";

export { LOG_QUERY_NOT_INSTANT, type RunLogQuery, withDeadline } from "../../logs/run.ts";

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
  const q = {
    query: p.query,
    startNs: p.timeNs,
    endNs: p.timeNs,
    stepMs: 0,
    limit: p.limit,
    direction: p.direction,
    instant: true,
  };
  const out = await queryLogs(req.source, deps, q, req.signal);
  return json(queryBody(out.result, out.stats, req.categorize));
}

/** Answers `/loki/api/v1/query_range` for log and metric queries. */
export async function rangeQuery(req: QueryRequest, deps: QueryDeps): Promise<Response> {
  const p = readRangeParams(req.form, deps.nowNs());
  const q = {
    query: p.query,
    startNs: p.startNs,
    endNs: p.endNs,
    stepMs: Number(p.stepNs) / 1e6,
    limit: p.limit,
    direction: p.direction,
    instant: false,
  };
  const out = await queryLogs(req.source, deps, q, req.signal);
  return json(queryBody(out.result, out.stats, req.categorize));
}
