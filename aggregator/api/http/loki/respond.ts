/**
 * Loki's answers: JSON bodies ending in a newline on success, and on failure a plain-text
 * body with the bare message (`serverutil.WriteError`), 400 for the client's mistakes, 499
 * for a client that went away, 504 for a timeout, 404 for what does not exist and 500 for the
 * rest. Errors (shared/errors: one code set for every transport) are mapped here once,
 * whatever part of the aggregator threw them.
 */

import { OutpostError } from "../../../../shared/errors/errors.ts";
import type { LogQueryResult, LogQueryStats } from "../../../logs/result.ts";
import { TOO_MANY_SAMPLES } from "../../../promql/engine/limits.ts";
import { CLIENT_CANCELED, DEADLINE_EXCEEDED } from "../../logs/run.ts";
import { CATEGORIZE_LABELS, categorizedStreamsJson, mergedStreamsJson } from "./streams.ts";

/** nginx's status for a client that closed the request, which Loki answers too. */
const CLIENT_CLOSED_REQUEST = 499;

export { CLIENT_CANCELED, DEADLINE_EXCEEDED };

/** A failure as the client sees it: an HTTP status and Loki's message (what toLokiError makes). */
export class LokiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "LokiError";
  }
}

/** Maps anything thrown while answering to Loki's status and text. */
export function toLokiError(err: unknown): LokiError {
  if (err instanceof LokiError) return err;
  if (err instanceof OutpostError) {
    switch (err.code) {
      case "bad_data":
      case "not_acceptable":
        return new LokiError(400, err.message);
      case "canceled":
        return new LokiError(CLIENT_CLOSED_REQUEST, CLIENT_CANCELED);
      case "timeout":
        return new LokiError(504, DEADLINE_EXCEEDED);
      case "not_found":
        return new LokiError(404, err.message);
      case "unavailable":
        return new LokiError(503, err.message);
      case "too_many_requests":
        return new LokiError(429, err.message);
      case "execution":
        // A query over its samples limit is the client's to narrow, as Loki's limit errors (400).
        if (err.message.startsWith(TOO_MANY_SAMPLES)) return new LokiError(400, err.message);
        return new LokiError(500, err.message);
      default:
        return new LokiError(500, err.message);
    }
  }
  return new LokiError(500, err instanceof Error ? err.message : String(err));
}

/** The plain-text failure Loki writes. */
export function failure(err: LokiError): Response {
  return new Response(err.message, {
    status: err.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
  });
}

/** A JSON answer, already encoded. */
export function json(body: string): Response {
  return new Response(`${body}\n`, {
    status: 200,
    headers: { "Content-Type": "application/json; charset=UTF-8" },
  });
}

/** `{"status":"success","data":[…]}` as `labels` and `label/<name>/values` answer it. */
export function labelsBody(values: readonly string[]): string {
  // Loki's LabelResponse omits an empty `data` (`json:"data,omitempty"`).
  if (values.length === 0) return `{"status":"success"}`;
  return `{"status":"success","data":${JSON.stringify(values)}}`;
}

/**
 * The body of a `query` or `query_range` answer: result and Loki-shaped `stats`;
 * `categorize` answers the `categorize-labels` encoding flag (see streams.ts).
 */
export function queryBody(
  result: LogQueryResult,
  stats: LogQueryStats,
  categorize: boolean,
): string {
  let encoded: string;
  if (result.resultType !== "streams") encoded = JSON.stringify(result.result);
  else if (categorize) encoded = categorizedStreamsJson(result.result);
  else encoded = mergedStreamsJson(result.result);
  const flags = categorize ? `,"encodingFlags":["${CATEGORIZE_LABELS}"]` : "";
  return `{"status":"success","data":{"resultType":"${result.resultType}"${flags},"result":${encoded},"stats":${statsJson(result, stats)}}}`;
}

/** `stats` with Loki's `summary` fields; the per-component sections are left out. */
export function statsJson(result: LogQueryResult, stats: LogQueryStats): string {
  const execTime = stats.execTimeMs / 1000;
  const perSecond = (n: number) => (execTime > 0 ? Math.trunc(n / execTime) : 0);
  const summary = {
    bytesProcessedPerSecond: perSecond(stats.bytesScanned),
    linesProcessedPerSecond: perSecond(stats.linesScanned),
    totalBytesProcessed: stats.bytesScanned,
    totalLinesProcessed: stats.linesScanned,
    execTime,
    queueTime: 0,
    subqueries: 0,
    totalEntriesReturned: entriesReturned(result),
    splits: 0,
    shards: 0,
    totalPostFilterLines: 0,
    totalStructuredMetadataBytesProcessed: 0,
  };
  return JSON.stringify({ summary });
}

/** Loki counts log lines for streams and series for metric results. */
function entriesReturned(result: LogQueryResult): number {
  if (result.resultType !== "streams") return result.result.length;
  let n = 0;
  for (const s of result.result) n += s.values.length;
  return n;
}
