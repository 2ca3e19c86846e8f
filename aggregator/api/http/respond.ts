/**
 * The Prometheus API envelope: `{"status":"success","data":…,"warnings":[…],"infos":[…]}` or
 * `{"status":"error","errorType":"bad_data","error":"…"}`, with the HTTP codes Prometheus maps
 * each error type to. Errors (shared/errors: one code set for every transport) are mapped here
 * once, whatever part of the aggregator threw them; the codes are Prometheus's error types.
 */
import { type ErrorCode, OutpostError } from "../../../shared/errors/errors.ts";
import { messageOf } from "../query/errors.ts";
import { htmlSafe } from "./format.ts";
import { giveBack } from "./series_bytes.ts";

export { invalidParam, param } from "../query/errors.ts";

/** The HTTP status Prometheus answers each error type with (`respondError`). */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_data: 400,
  execution: 422,
  canceled: 503,
  timeout: 503,
  internal: 500,
  not_found: 404,
  unavailable: 503,
  not_acceptable: 406,
  // Prometheus has no such error; Mimir answers a tenant's full queue with 429.
  too_many_requests: 429,
};

/** Prometheus shows at most this many warnings, and as many infos, per answer. */
const MAX_ANNOTATIONS = 10;

/**
 * Maps anything thrown while answering to an API error: errors with a code keep it, and
 * anything else (a storage failure) is `internal`, as Prometheus reports `ErrStorage`.
 */
export function toApiError(err: unknown): OutpostError {
  if (err instanceof OutpostError) return err;
  return new OutpostError("internal", messageOf(err));
}

/** Annotations as Prometheus lists them: the first ten, then how many more there were. */
export function capAnnotations(list: readonly string[], kind: "warning" | "info"): string[] {
  if (list.length <= MAX_ANNOTATIONS) return [...list];
  const omitted = list.length - MAX_ANNOTATIONS;
  return [...list.slice(0, MAX_ANNOTATIONS), `${omitted} more ${kind} annotations omitted`];
}

/**
 * A success envelope around `data`, already encoded as JSON: one string, or parts of a large
 * range answer written on two threads, which must be HTML-safe already (`htmlSafe`).
 */
export function success(
  data: string | readonly (string | Uint8Array)[],
  warnings: readonly string[] = [],
  infos: readonly string[] = [],
): Response {
  let tail = "";
  if (warnings.length > 0)
    tail += `,"warnings":${JSON.stringify(capAnnotations(warnings, "warning"))}`;
  if (infos.length > 0) tail += `,"infos":${JSON.stringify(capAnnotations(infos, "info"))}`;
  if (typeof data === "string") return json(`{"status":"success","data":${data}${tail}}`, 200);
  // Sent as they are (HTML-safe already): one 3 MB string would be flattened, scanned and
  // encoded again here. The Blob copies them, so their buffers serve the next answer.
  const body = new Blob(['{"status":"success","data":', ...data, htmlSafe(`${tail}}`)]);
  giveBack(data);
  return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
}

/** An error envelope with Prometheus's status code for its type. */
export function failure(err: OutpostError): Response {
  const body = `{"status":"error","errorType":"${err.code}","error":${JSON.stringify(err.message)}}`;
  return json(body, ERROR_STATUS[err.code]);
}

/**
 * A JSON response. Go's encoder escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings; they
 * never occur in JSON outside strings, so one pass over the body gives Prometheus's bytes.
 */
export function json(body: string, status: number): Response {
  return new Response(htmlSafe(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}
