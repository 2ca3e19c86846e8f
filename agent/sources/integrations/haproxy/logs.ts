/**
 * HAProxy's log as a file source: HAProxy itself only logs to syslog (or stdout), and Debian's
 * package has rsyslog write its lines to /var/log/haproxy.log, which is what a detected HAProxy
 * tails (a configured one names its file). Its HTTP (`option httplog`) and TCP (`option
 * tcplog`) lines become fields, with request metrics by status through the `metrics` stage.
 */
import { existsSync } from "node:fs";
import {
  HTTP_LATENCY_BUCKETS,
  SERVICE_METRIC_LABELS,
  type ServiceLogSource,
  type ServiceLogTarget,
  serviceLogSource,
} from "../service_logs.ts";

/** Where Debian's rsyslog rule (/etc/rsyslog.d/49-haproxy.conf) writes HAProxy's lines. */
export const DEBIAN_HAPROXY_LOG = "/var/log/haproxy.log";

/** rsyslog's prefix (traditional or RFC 3339 time, host, `haproxy[pid]: `), or a `<pri>`; absent with `format raw`. */
const SYSLOG = "^(?:<\\d+>)?(?:(?:\\S+ +){1,4}haproxy\\[\\d+\\]: )?";
const CLIENT =
  "(?P<client>[^ \\[]+|\\[[^\\]]+\\]):(?P<client_port>\\d+) \\[(?P<accept_date>\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3})\\] (?P<frontend>\\S+) (?P<backend>[^/ ]+)/(?P<server>\\S+) ";

/**
 * `option httplog`: timers TR/Tw/Tc/Tr/Ta (ms; -1 when the step never happened), status,
 * bytes, cookies, termination state, connection counts, queues, captured headers, request.
 */
export const HTTP_LINE = `${SYSLOG}${CLIENT}-?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?(?P<duration_ms>\\d+) (?P<status>-?\\d+) \\+?(?P<bytes>\\d+) \\S+ \\S+ (?P<termination_state>\\S{4}) \\d+/\\d+/\\d+/\\d+/\\+?\\d+ \\d+/\\d+ (?:\\{[^}]*\\} )*"(?:(?P<method>[A-Z]+) (?P<path>\\S+)(?: (?P<protocol>[^" ]+))?|[^"]*)"`;

/** `option tcplog`: timers Tw/Tc/Tt (ms), bytes, termination state, connection counts, queues. */
export const TCP_LINE = `${SYSLOG}${CLIENT}-?\\d+/-?\\d+/\\+?(?P<session_ms>\\d+) \\+?(?P<bytes>\\d+) (?P<termination_state>\\S{2}) \\d+/\\d+/\\d+/\\d+/\\+?\\d+ \\d+/\\d+$`;

const FIELDS = [
  "client",
  "frontend",
  "backend",
  "server",
  "status",
  "bytes",
  "termination_state",
  "method",
  "path",
  "protocol",
  "duration_ms",
  "session_ms",
];

const PREFIX = "outpost_haproxy_log_";

const STAGES = [
  // An HTTP line fails the TCP pattern (five timers, not three) and the other way round.
  { regex: { expression: HTTP_LINE } },
  { regex: { expression: TCP_LINE } },
  // The accept date is the host's local time, with no offset written.
  { timestamp: { source: "accept_date", format: "02/Jan/2006:15:04:05.000", location: "Local" } },
  { structured_metadata: Object.fromEntries(FIELDS.map((f) => [f, f])) },
  {
    metrics: {
      requests_total: {
        type: "Counter",
        prefix: PREFIX,
        description: "HTTP requests HAProxy logged (option httplog), by status.",
        source: "status",
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["status", "backend"],
        config: { action: "inc" },
      },
      request_duration_seconds: {
        type: "Histogram",
        prefix: PREFIX,
        description: "Total active time (Ta) of the HTTP requests HAProxy logged, by status.",
        source: "duration_ms",
        scale: 0.001,
        buckets: HTTP_LATENCY_BUCKETS,
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["status"],
        config: {},
      },
      tcp_sessions_total: {
        type: "Counter",
        prefix: PREFIX,
        description: "TCP sessions HAProxy logged (option tcplog), by termination state.",
        source: "session_ms",
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["termination_state"],
        config: { action: "inc" },
      },
    },
  },
];

/** The file source of one HAProxy's log. */
export function haproxyLogSources(
  t: ServiceLogTarget,
  files: readonly string[],
): ServiceLogSource[] {
  if (files.length === 0) return [];
  return [serviceLogSource(t, "haproxy", "haproxy", { include: files }, STAGES)];
}

/** A detected HAProxy's log: Debian's rsyslog file, when it exists. */
export async function detectedHaproxyLogs(
  t: ServiceLogTarget,
  file = DEBIAN_HAPROXY_LOG,
): Promise<ServiceLogSource[]> {
  if (!existsSync(file))
    throw new Error(
      `Cannot find HAProxy's log: ${file} does not exist (rsyslog writes it on Debian)`,
    );
  return haproxyLogSources(t, [file]);
}
