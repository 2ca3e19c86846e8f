/**
 * Why a request could not be answered, as one set of codes for the whole of Outpost: the
 * engine, the log queries, storage and the APIs throw an OutpostError with a code, and each
 * transport maps the codes once (the Prometheus API: aggregator/api/http/respond.ts; Loki's
 * API: aggregator/api/http/loki/respond.ts; the Connect API: CONNECT_CODES below).
 */

/** What kind of failure it is, in Prometheus's `errorType` words where it has one. */
export type ErrorCode =
  /** The request is malformed: a parse error, a bad parameter. */
  | "bad_data"
  /** The request is well formed but cannot be carried out (a limit, a conflict in the data). */
  | "execution"
  /** The request ran out of time. */
  | "timeout"
  /** The client canceled the request or went away. */
  | "canceled"
  /** A bug or a failure of storage: nothing the client did. */
  | "internal"
  /** What the request names does not exist. */
  | "not_found"
  /** A dependency is down; try again later. */
  | "unavailable"
  /** The client asked for a representation the server does not give. */
  | "not_acceptable"
  /** The client (its tenant) has too much under way already; try again later (HTTP 429). */
  | "too_many_requests";

/** An error with a code that every transport maps the same way. */
export class OutpostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The first error of class `type` in `error`'s chain of causes (itself first): a request's own
 * stop, thrown deep in a read and wrapped by the reader on its way out, is found again.
 */
export function causeOfType<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  return findCause(error, (e): e is T => e instanceof type);
}

/**
 * The first of `error` and the errors it was caused by (`cause`, at most 8 deep) that `test`
 * picks, or undefined.
 */
export function findCause<T extends Error>(
  error: unknown,
  test: ((e: Error) => e is T) | ((e: Error) => boolean),
): T | undefined {
  let e = error;
  for (let depth = 0; e instanceof Error && depth < 8; depth++) {
    if (test(e)) return e as T;
    e = e.cause;
  }
  return undefined;
}

/** The code of anything thrown: an OutpostError's own, `internal` for anything else. */
export function codeOf(error: unknown): ErrorCode {
  return error instanceof OutpostError ? error.code : "internal";
}

/** Connect's code for each of ours (connect-es's `Code` names), for the Connect API. */
export const CONNECT_CODES: Readonly<Record<ErrorCode, string>> = {
  bad_data: "invalid_argument",
  execution: "failed_precondition",
  timeout: "deadline_exceeded",
  canceled: "canceled",
  internal: "internal",
  not_found: "not_found",
  unavailable: "unavailable",
  not_acceptable: "invalid_argument",
  too_many_requests: "resource_exhausted",
};
