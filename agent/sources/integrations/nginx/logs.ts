/**
 * A detected nginx's access and error logs as file sources: their paths from its config
 * (conf.ts), parsed by the usual stages into fields, with request metrics by status from
 * the `metrics` stage. The sources are ordinary file sources: checkpoints, rotation and
 * delivery work as for the `logs` section.
 */
import { fileSourceSchema } from "../../file/config.ts";
import { stagesSchema } from "../../file/stages/stages.ts";
import {
  HTTP_LATENCY_BUCKETS,
  SERVICE_LOG_POLL,
  SERVICE_METRIC_LABELS,
  type ServiceLogSource,
} from "../service_logs.ts";
import { nginxLogs, nginxPaths } from "./conf.ts";

/**
 * nginx's `combined` format (`$remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"`), and a `$request_time` after it as
 * the common extensions of it add. A request line that is not `METHOD path protocol` (a
 * scanner's garbage, `-` for a closed connection) leaves method, path and protocol out.
 */
export const COMBINED =
  '^(?P<remote_addr>\\S+) \\S+ (?P<remote_user>\\S+) \\[(?P<time_local>[^\\]]+)\\] "(?:(?P<method>[A-Z]+) (?P<path>\\S+) (?P<protocol>[^" ]+)|[^"]*)" (?P<status>\\d{3}) (?P<bytes>\\d+|-) "(?P<referer>[^"]*)" "(?P<user_agent>[^"]*)"(?: (?P<request_time>\\d+(?:\\.\\d+)?)\\b)?';

/** The error log: `2024/01/02 15:04:05 [error] 12#12: *5 message`. */
export const ERROR_LINE =
  "^(?P<time>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) \\[(?P<level>[a-z]+)\\] (?P<pid>\\d+)#\\d+: (?:\\*(?P<connection>\\d+) )?";

const ACCESS_FIELDS = [
  "method",
  "path",
  "protocol",
  "status",
  "bytes",
  "referer",
  "user_agent",
  "remote_addr",
  "request_time",
];

const ACCESS_STAGES = [
  { regex: { expression: COMBINED } },
  { timestamp: { source: "time_local", format: "02/Jan/2006:15:04:05 -0700" } },
  { structured_metadata: Object.fromEntries(ACCESS_FIELDS.map((f) => [f, f])) },
  {
    metrics: {
      requests_total: {
        type: "Counter",
        prefix: "outpost_nginx_access_",
        description: "HTTP requests nginx logged in its access log, by status.",
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["status"],
        config: { match_all: true, action: "inc" },
      },
      response_bytes_total: {
        type: "Counter",
        prefix: "outpost_nginx_access_",
        description:
          "Response body bytes nginx logged in its access log ($body_bytes_sent), by status.",
        source: "bytes",
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["status"],
        config: { action: "add" },
      },
      request_duration_seconds: {
        type: "Histogram",
        prefix: "outpost_nginx_access_",
        description:
          "$request_time of the requests nginx logged, by status (only where the log format records it).",
        source: "request_time",
        buckets: HTTP_LATENCY_BUCKETS,
        labels: SERVICE_METRIC_LABELS,
        value_labels: ["status"],
        config: {},
      },
    },
  },
];

const ERROR_STAGES = [
  { regex: { expression: ERROR_LINE } },
  // The error log's times are the host's local time, with no offset written.
  { timestamp: { source: "time", format: "2006/01/02 15:04:05", location: "Local" } },
  { level: { source: "level" } },
  { structured_metadata: { pid: "pid", connection: "connection" } },
];

/** Which nginx, for the sources' names (checkpoint files) and labels. */
export interface NginxLogTarget {
  /** The integration's key, `nginx:80`. */
  key: string;
  /** The `instance` label: the address the service is collected at. */
  instance: string;
  access: readonly string[];
  error: readonly string[];
}

/** The file sources of one nginx's logs. */
export function nginxLogSources(t: NginxLogTarget): ServiceLogSource[] {
  const base = `integrations-${t.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const source = (log: "access" | "error", include: readonly string[], stages: unknown[]) => ({
    ...fileSourceSchema.parse({
      include,
      labels: { job: "integrations/nginx", instance: t.instance, log },
      poll_interval: SERVICE_LOG_POLL,
    }),
    name: `${base}-${log}`,
    stages: stagesSchema.parse(stages),
  });
  const out: ServiceLogSource[] = [];
  if (t.access.length > 0) out.push(source("access", t.access, ACCESS_STAGES));
  if (t.error.length > 0) out.push(source("error", t.error, ERROR_STAGES));
  return out;
}

/** The log sources of a detected nginx, from the config its master's command line names. */
export async function detectedNginxLogs(
  key: string,
  instance: string,
  cmdline: string,
): Promise<ServiceLogSource[]> {
  const { prefix, conf } = nginxPaths(cmdline);
  const logs = await nginxLogs(conf, prefix);
  return nginxLogSources({ key, instance, ...logs });
}
