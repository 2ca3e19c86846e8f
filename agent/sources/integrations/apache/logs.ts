/**
 * A detected or configured Apache's access and error logs as file sources: paths and formats
 * from its config (conf.ts), parsed into fields, with request metrics by status (and request
 * durations where the format records them) from the `metrics` stage, as nginx's are.
 */
import {
  HTTP_LATENCY_BUCKETS,
  SERVICE_METRIC_LABELS,
  type ServiceLogSource,
  type ServiceLogTarget,
  serviceLogSource,
} from "../service_logs.ts";
import { type AccessLog, apacheLogs, apachePaths } from "./conf.ts";

/**
 * Common and combined (`%h %l %u %t "%r" %>s %b|%O "%{Referer}i" "%{User-Agent}i"`), with
 * vhost_combined's `%v:%p` before them, and a number after them: the duration field when the
 * format ends with one (conf.ts tells which unit). A request line that is not `METHOD path
 * protocol` leaves those three out; `%b`'s `-` for no body leaves bytes out (not a count).
 */
export const ACCESS_LINE =
  '^(?:(?P<vhost>\\S+:\\d+) )?(?P<remote_addr>\\S+) \\S+ (?P<remote_user>\\S+) \\[(?P<time_local>[^\\]]+)\\] "(?:(?P<method>[A-Z]+) (?P<path>\\S+) (?P<protocol>[^" ]+)|[^"]*)" (?P<status>\\d{3}) (?:(?P<bytes>\\d+)|-)(?: "(?P<referer>[^"]*)" "(?P<user_agent>[^"]*)")?(?: (?P<duration>\\d+(?:\\.\\d+)?))?$';

/** The 2.4 error log: `[Mon Nov 23 07:22:12.534647 2026] [core:error] [pid 1:tid 2] [client 10.0.0.1:5000] AH00128: …`. */
export const ERROR_LINE =
  "^\\[(?P<time>[A-Z][a-z]{2} [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\d{4})\\] \\[(?:(?P<module>[^:\\]]+):)?(?P<level>[a-z]+)\\d?\\] \\[pid (?P<pid>\\d+)(?::tid \\d+)?\\](?: \\[client (?P<client>[^\\]]+)\\])?(?: (?P<code>AH\\d+):)?";

const ACCESS_FIELDS = [
  "method",
  "path",
  "protocol",
  "status",
  "bytes",
  "referer",
  "user_agent",
  "remote_addr",
  "vhost",
  "duration",
];

const PREFIX = "outpost_apache_access_";

/**
 * The unit of the number a format ends with, as the factor to seconds: `%D` and `%{us}T`
 * microseconds, `%{ms}T` milliseconds, `%T` seconds; null when it ends with something else.
 */
export function durationScale(format: string): number | null {
  const last = format.trim().split(/\s+/).pop() ?? "";
  if (last === "%D" || last === "%{us}T") return 1e-6;
  if (last === "%{ms}T") return 1e-3;
  if (last === "%T" || last === "%{s}T") return 1;
  return null;
}

function accessStages(scale: number | null): unknown[] {
  const metrics: Record<string, unknown> = {
    requests_total: {
      type: "Counter",
      prefix: PREFIX,
      description: "HTTP requests Apache logged in its access log, by status.",
      source: "status",
      labels: SERVICE_METRIC_LABELS,
      value_labels: ["status"],
      config: { action: "inc" },
    },
    response_bytes_total: {
      type: "Counter",
      prefix: PREFIX,
      description: "Response bytes Apache logged in its access log (%O or %b), by status.",
      source: "bytes",
      labels: SERVICE_METRIC_LABELS,
      value_labels: ["status"],
      config: { action: "add" },
    },
  };
  if (scale !== null)
    metrics.request_duration_seconds = {
      type: "Histogram",
      prefix: PREFIX,
      description:
        "Time Apache took to serve the requests it logged (%D), by status (only where the log format records it).",
      source: "duration",
      scale,
      buckets: HTTP_LATENCY_BUCKETS,
      labels: SERVICE_METRIC_LABELS,
      value_labels: ["status"],
      config: {},
    };
  return [
    { regex: { expression: ACCESS_LINE } },
    { timestamp: { source: "time_local", format: "02/Jan/2006:15:04:05 -0700" } },
    { structured_metadata: Object.fromEntries(ACCESS_FIELDS.map((f) => [f, f])) },
    { metrics },
  ];
}

const ERROR_STAGES = [
  { regex: { expression: ERROR_LINE } },
  // The error log's times are the host's local time, with no offset written.
  { timestamp: { source: "time", format: "Mon Jan 02 15:04:05.000000 2006", location: "Local" } },
  {
    level: {
      source: "level",
      values: { emerg: "fatal", alert: "critical", crit: "critical", notice: "info" },
    },
  },
  { structured_metadata: { module: "module", pid: "pid", client: "client", code: "code" } },
];

/** The file sources of one Apache's logs: one per access log (each has its format), one for the error logs. */
export function apacheLogSources(
  t: ServiceLogTarget,
  logs: { access: readonly AccessLog[]; error: readonly string[] },
): ServiceLogSource[] {
  // One source per access log, each with its format's stages; all labelled log="access".
  const out = logs.access.map((a, i) => {
    const s = serviceLogSource(
      t,
      "apache",
      "access",
      { include: [a.path] },
      accessStages(durationScale(a.format)),
    );
    return i === 0 ? s : { ...s, name: `${s.name}-${i + 1}` };
  });
  if (logs.error.length > 0)
    out.push(serviceLogSource(t, "apache", "error", { include: logs.error }, ERROR_STAGES));
  return out;
}

/** The log sources of a detected Apache, from the config its command line names. */
export async function detectedApacheLogs(
  t: ServiceLogTarget,
  cmdline: string,
): Promise<ServiceLogSource[]> {
  const { root, conf } = apachePaths(cmdline);
  return apacheLogSources(t, await apacheLogs(conf, root));
}
