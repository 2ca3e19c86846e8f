/**
 * The UI's one way to the server: Connect's web transport on the page's own origin. Calls made
 * with the session cookie must carry the CSRF token that Login set in the `outpost_csrf` cookie
 * (readable by scripts, unlike the session cookie) as `X-CSRF-Token`.
 */
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { AuthService } from "../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { QueryService } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";

/** The cookie Login sets for scripts to read. */
const CSRF_COOKIE = "outpost_csrf";

/** The CSRF token of the current session, or "" when there is none. */
export function csrfToken(cookies = document.cookie): string {
  for (const part of cookies.split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return value ?? "";
  }
  return "";
}

const csrf: Interceptor = (next) => (req) => {
  const token = csrfToken();
  if (token !== "") req.header.set("X-CSRF-Token", token);
  return next(req);
};

const transport = createConnectTransport({ baseUrl: location.origin, interceptors: [csrf] });

/** outpost.query.v1.QueryService. */
export const queryClient = createClient(QueryService, transport);
/**
 * QueryService in protobuf's binary format, for Explore's range answers: 1.1 M points are
 * 25 MB of JSON (every timestamp a string to parse into a bigint) and decode several times
 * slower than binary.
 */
export const queryBinaryClient = createClient(
  QueryService,
  createConnectTransport({ baseUrl: location.origin, interceptors: [csrf], useBinaryFormat: true }),
);
/** outpost.auth.v1.AuthService. */
export const authClient = createClient(AuthService, transport);
/** outpost.uptime.v1.UptimeService. */
export const uptimeClient = createClient(UptimeService, transport);

/** outpost.logs.v1.LogsService. */
export const logsClient = createClient(LogsService, transport);

/** outpost.alerts.v1.AlertsService. */
export const alertsClient = createClient(AlertsService, transport);

/** True when the server refused a call for want of a permission. */
export function isPermissionDenied(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.PermissionDenied;
}

/** True when the server refused a call for want of credentials. */
export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.Unauthenticated;
}

/** The message of an error for the page, without Connect's `[code]` prefix. */
export function messageOf(err: unknown): string {
  return err instanceof ConnectError ? err.rawMessage : String(err);
}
