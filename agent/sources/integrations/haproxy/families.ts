/**
 * haproxy_exporter 0.14's families: which `show stat` CSV column each reads, for frontends,
 * backends and servers (its defaults, `--haproxy.server-metric-fields` included), with the
 * exporter's names, types and HELP.
 */

type Kind = "counter" | "gauge";
/** One family from one CSV column: [column, name without `haproxy_<proxy>_`, type, HELP]. */
export type Column = readonly [number, string, Kind, string];

/** Columns read as seconds from the CSV's milliseconds. */
export const MS_COLUMNS = new Set([38, 58, 59, 60, 61]);
/** The `status` column, read as 1 (UP, OPEN, no check…) or 0. */
export const STATUS_COLUMN = 17;
/** Columns 39–44: HTTP responses by class, one family with a `code` label. */
export const CODES = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

const H = {
  qcur: "Current number of queued requests not assigned to any server.",
  qmax: "Maximum observed number of queued requests not assigned to any server.",
  scur: "Current number of active sessions.",
  smax: "Maximum observed number of active sessions.",
  slim: "Configured session limit.",
  stot: "Total number of sessions.",
  bin: "Current total of incoming bytes.",
  bout: "Current total of outgoing bytes.",
  econ: "Total of connection errors.",
  eresp: "Total of response errors.",
  wretr: "Total of retry warnings.",
  wredis: "Total of redispatch warnings.",
  lbtot:
    "Total number of times a server was selected, either for new sessions, or when re-dispatching.",
  rate: "Current number of sessions per second over last elapsed second.",
  rateMax: "Maximum observed number of sessions per second.",
  hrsp: "Total of HTTP responses.",
  cliAbrt: "Total number of data transfers aborted by the client.",
  srvAbrt: "Total number of data transfers aborted by the server.",
  compIn: "Number of HTTP response bytes fed to the compressor",
  compOut: "Number of HTTP response bytes emitted by the compressor",
  compByp: "Number of bytes that bypassed the HTTP compressor",
  compRsp: "Number of HTTP responses that were compressed",
  qtime: "Avg. HTTP queue time for last 1024 successful connections.",
  ctime: "Avg. HTTP connect time for last 1024 successful connections.",
  rtime: "Avg. HTTP response time for last 1024 successful connections.",
  ttime: "Avg. HTTP total time for last 1024 successful connections.",
};

/** Sessions and bytes: frontends, backends and servers alike. */
const SESSIONS: Column[] = [
  [4, "current_sessions", "gauge", H.scur],
  [5, "max_sessions", "gauge", H.smax],
  [6, "limit_sessions", "gauge", H.slim],
  [7, "sessions_total", "counter", H.stot],
  [8, "bytes_in_total", "counter", H.bin],
  [9, "bytes_out_total", "counter", H.bout],
];

/** Errors and warnings: backends and servers. */
const ERRORS: Column[] = [
  [13, "connection_errors_total", "counter", H.econ],
  [14, "response_errors_total", "counter", H.eresp],
  [15, "retry_warnings_total", "counter", H.wretr],
  [16, "redispatch_warnings_total", "counter", H.wredis],
];

const TIMES: Column[] = [
  [58, "http_queue_time_average_seconds", "gauge", H.qtime],
  [59, "http_connect_time_average_seconds", "gauge", H.ctime],
  [60, "http_response_time_average_seconds", "gauge", H.rtime],
  [61, "http_total_time_average_seconds", "gauge", H.ttime],
];

const COMPRESSION: Column[] = [
  [51, "compressor_bytes_in_total", "counter", H.compIn],
  [52, "compressor_bytes_out_total", "counter", H.compOut],
  [53, "compressor_bytes_bypassed_total", "counter", H.compByp],
  [54, "http_responses_compressed_total", "counter", H.compRsp],
];

/** `haproxy_frontend_*`, labelled `frontend`. */
export const FRONTEND: readonly Column[] = [
  ...SESSIONS,
  [10, "requests_denied_total", "counter", "Total of requests denied for security."],
  [12, "request_errors_total", "counter", "Total of request errors."],
  [33, "current_session_rate", "gauge", H.rate],
  [34, "limit_session_rate", "gauge", "Configured limit on new sessions per second."],
  [35, "max_session_rate", "gauge", H.rateMax],
  [48, "http_requests_total", "counter", "Total HTTP requests."],
  ...COMPRESSION,
  [79, "connections_total", "counter", "Total number of connections"],
];

/** `haproxy_backend_*`, labelled `backend`. */
export const BACKEND: readonly Column[] = [
  [2, "current_queue", "gauge", H.qcur],
  [3, "max_queue", "gauge", H.qmax],
  ...SESSIONS,
  ...ERRORS,
  [17, "up", "gauge", "Current health status of the backend (1 = UP, 0 = DOWN)."],
  [18, "weight", "gauge", "Total weight of the servers in the backend."],
  [19, "current_server", "gauge", "Current number of active servers"],
  [30, "server_selected_total", "counter", H.lbtot],
  [33, "current_session_rate", "gauge", H.rate],
  [35, "max_session_rate", "gauge", "Maximum number of sessions per second."],
  [49, "client_aborts_total", "counter", H.cliAbrt],
  [50, "server_aborts_total", "counter", H.srvAbrt],
  ...COMPRESSION,
  ...TIMES,
];

/** `haproxy_server_*`, labelled `backend` and `server`: the exporter's default field list. */
export const SERVER: readonly Column[] = [
  [2, "current_queue", "gauge", "Current number of queued requests assigned to this server."],
  [3, "max_queue", "gauge", "Maximum observed number of queued requests assigned to this server."],
  ...SESSIONS,
  ...ERRORS,
  [17, "up", "gauge", "Current health status of the server (1 = UP, 0 = DOWN)."],
  [18, "weight", "gauge", "Current weight of the server."],
  [21, "check_failures_total", "counter", "Total number of failed health checks."],
  [24, "downtime_seconds_total", "counter", "Total downtime in seconds."],
  [30, "server_selected_total", "counter", H.lbtot],
  [33, "current_session_rate", "gauge", H.rate],
  [35, "max_session_rate", "gauge", H.rateMax],
  [38, "check_duration_seconds", "gauge", "Previously run health check duration, in seconds"],
  [49, "client_aborts_total", "counter", H.cliAbrt],
  [50, "server_aborts_total", "counter", H.srvAbrt],
  ...TIMES,
];

/** Statuses the exporter reads as up (1); every other one, DOWN and MAINT included, is 0. */
const UP_STATUSES = new Set(["UP", "UP 1/3", "UP 2/3", "OPEN", "no check", "DRAIN"]);

/** The `up` value of a `status` cell, as the exporter maps it. */
export function statusValue(status: string): number {
  return UP_STATUSES.has(status) ? 1 : 0;
}
