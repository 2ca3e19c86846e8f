/**
 * Running a LogQL query for any transport (Loki's HTTP API, the Connect logs service): the
 * instant-query check, the query under a deadline that also ends when the client leaves,
 * with Loki's texts for both.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { deadlineBudget, withBudget } from "../../../shared/runtime/budget.ts";
import { parseLogQL } from "../../logs/logql/parser.ts";
import type { LogQueryOptions, LogQueryResult, LogQueryStats } from "../../logs/result.ts";
import type { LogQueryable } from "../../logs/source.ts";

/** Loki's text for a request its client canceled (`ErrClientCanceled`). */
export const CLIENT_CANCELED = "The request was cancelled by the client.";
/** Loki's text for a query that ran out of time (`ErrDeadlineExceeded`). */
export const DEADLINE_EXCEEDED =
  "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.";
/** Loki's answer to a log query sent as an instant query (`ErrUnsupportedSyntaxForInstantQuery`). */
export const LOG_QUERY_NOT_INSTANT =
  "log queries are not supported as an instant query type, please change your query to a range query type";

/** The engine's entry point, as `aggregator/logs/logql/query.ts` exports it. */
export type RunLogQuery = (
  source: LogQueryable,
  query: string,
  opts: LogQueryOptions,
) => Promise<{ result: LogQueryResult; stats: LogQueryStats }>;

/** What running a query needs. */
export interface LogRunDeps {
  readonly run: RunLogQuery;
  /** How long one query may run (Loki's `query_timeout`). */
  readonly timeoutMs: number;
}

/** One query: its text and options, without a signal (the caller's comes separately). */
export interface LogQuery extends Omit<LogQueryOptions, "signal"> {
  readonly query: string;
}

/**
 * Runs `q` against `source` under the deadline; an instant log query is refused, as Loki 3
 * refuses it.
 */
export async function queryLogs(
  source: LogQueryable,
  deps: LogRunDeps,
  q: LogQuery,
  client: AbortSignal,
): Promise<{ result: LogQueryResult; stats: LogQueryStats }> {
  const { query, ...opts } = q;
  if (opts.instant && parseLogQL(query).kind === "log") {
    throw new OutpostError("bad_data", LOG_QUERY_NOT_INSTANT);
  }
  return withDeadline(client, deps.timeoutMs, (signal) =>
    deps.run(source, query, { ...opts, signal }),
  );
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
    // The clock is read as the work goes too: a costly regex over many lines holds the thread,
    // so the timer above could not fire until it was done (shared/runtime/budget.ts).
    const budget = deadlineBudget(performance.now() + timeoutMs, signal, () => {
      controller.abort(new OutpostError("timeout", DEADLINE_EXCEEDED));
      return signal.reason;
    });
    const running = withBudget(budget, () => work(signal));
    return await new Promise<T>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      running.then(resolve, (err) => reject(signal.aborted ? signal.reason : err));
    });
  } finally {
    clearTimeout(timer);
    client.removeEventListener("abort", onClientGone);
  }
}
