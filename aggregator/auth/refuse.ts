/**
 * Refusals, written in the caller's protocol: Connect JSON (`{"code","message"}` with the
 * matching HTTP status), gRPC-Web (`grpc-status` headers), or plain text for the Prometheus,
 * Loki and Alertmanager APIs. A 401 names the schemes it takes in `WWW-Authenticate`.
 */
import { isConnectPath } from "./access.ts";

/** Why a request was refused. */
export type Refusal =
  | "invalid_argument"
  | "unauthenticated"
  | "permission_denied"
  | "resource_exhausted"
  | "unavailable";

const STATUS: Record<Refusal, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  resource_exhausted: 429,
  unavailable: 503,
};
const GRPC: Record<Refusal, number> = {
  invalid_argument: 3,
  unauthenticated: 16,
  permission_denied: 7,
  resource_exhausted: 8,
  unavailable: 14,
};

/** The response that refuses `req` for `why`, saying `message`. */
export function refuse(req: Request, path: string, why: Refusal, message: string): Response {
  const headers = new Headers();
  // A page's own script (fetch sends Sec-Fetch-Mode other than "navigate") handles a 401 by
  // showing its login page: a Basic challenge would make the browser open its password dialog
  // over it instead.
  const fromScript = (req.headers.get("sec-fetch-mode") ?? "navigate") !== "navigate";
  if (why === "unauthenticated" && !fromScript)
    headers.set(
      "WWW-Authenticate",
      'Basic realm="outpost", charset="UTF-8", Bearer realm="outpost"',
    );
  if (why === "resource_exhausted") headers.set("Retry-After", "60");
  if (!isConnectPath(path)) {
    headers.set("Content-Type", "text/plain; charset=utf-8");
    return new Response(`${message}\n`, { status: STATUS[why], headers });
  }
  if ((req.headers.get("content-type") ?? "").startsWith("application/grpc-web")) {
    headers.set("Content-Type", req.headers.get("content-type") ?? "application/grpc-web+proto");
    headers.set("grpc-status", String(GRPC[why]));
    headers.set("grpc-message", encodeURIComponent(message));
    return new Response(null, { status: 200, headers });
  }
  headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify({ code: why, message }), { status: STATUS[why], headers });
}
