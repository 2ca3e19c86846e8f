/**
 * The agent's `integrations` section: services found on the host (or listed here) and
 * collected in-process under the official exporters' metric names. Secrets come only from
 * files or environment variables, so a config file can be shared and logged safely.
 */
import { z } from "zod";
import { filePath, intervalDuration, positiveDuration } from "../../../shared/config/fields.ts";
import { resolvePath } from "../../../shared/config/http.ts";
import { containersSchema, normalizeContainers } from "./containers/config.ts";
import { mqDefaults, mqInstances } from "./mq_config.ts";
import { oneSecret, secretFields } from "./secret_fields.ts";

/** How the agent logs in to PostgreSQL: shared by explicit and detected instances. */
const postgresLogin = {
  user: z.string().min(1).default("postgres").describe("Role to connect as."),
  database: z.string().min(1).default("postgres").describe("Database to connect to."),
  ...secretFields,
};

const postgresInstance = z
  .object({
    dsn: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: "must start with postgres:// or postgresql://" })
      .refine((dsn) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(dsn), {
        error: "must not contain a password: use password_file or password_env",
      })
      .optional()
      .describe("Connection URL without a password, e.g. postgres://monitor@db:5432/postgres."),
    host: z
      .string()
      .min(1)
      .optional()
      .describe("Host name, IP address, or the directory of the Unix socket (starts with /)."),
    port: z.number().int().min(1).max(65535).default(5432).describe("TCP port (or socket suffix)."),
    ...postgresLogin,
  })
  .strict()
  .superRefine((v, ctx) => {
    oneSecret(v, ctx);
    if ((v.dsn === undefined) === (v.host === undefined))
      ctx.addIssue({ code: "custom", message: "set either dsn or host" });
  });

const redisInstance = z
  .object({
    address: z
      .string()
      .regex(/^(\/.+|[^/:]+:\d+|\[[0-9a-fA-F:]+\]:\d+)$/, {
        error: "must be host:port or the path of a Unix socket",
      })
      .describe("host:port, or the path of a Unix socket (starts with /)."),
    username: z.string().min(1).optional().describe("ACL user name (Redis 6+)."),
    ...secretFields,
  })
  .strict()
  .superRefine(oneSecret);

/** How the agent logs in to MySQL / MariaDB: shared by explicit and detected instances. */
const mysqlLogin = {
  user: z
    .string()
    .min(1)
    .default("root")
    .describe(
      "User to log in as. `root` over the socket works as is where the agent runs as root (Debian's unix_socket login); elsewhere create a user with GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.*.",
    ),
  ...secretFields,
};

const mysqlInstance = z
  .object({
    address: z
      .string()
      .regex(/^(\/.+|[^/:]+:\d+|\[[0-9a-fA-F:]+\]:\d+)$/, {
        error: "must be host:port or the path of a Unix socket",
      })
      .describe("host:port, or the path of the server's Unix socket (starts with /)."),
    ...mysqlLogin,
  })
  .strict()
  .superRefine(oneSecret);
const logPath = filePath().optional();

const nginxInstance = z
  .object({
    status_url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .describe("URL of nginx's stub_status page, e.g. http://127.0.0.1/stub_status."),
    access_log: logPath.describe(
      "Access log to tail (combined format). Relative to the config file. Default: none.",
    ),
    error_log: logPath.describe("Error log to tail. Relative to the config file. Default: none."),
  })
  .strict();

const haproxyInstance = z
  .object({
    socket: filePath()
      .optional()
      .describe(
        "HAProxy's stats socket (`stats socket` in haproxy.cfg), e.g. /run/haproxy/admin.sock.",
      ),
    stats_url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .optional()
      .describe("URL of its stats page in CSV, e.g. http://127.0.0.1:8404/stats;csv."),
    prometheus_url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .optional()
      .describe(
        "URL of HAProxy's built-in Prometheus exporter (a frontend with `http-request use-service prometheus-exporter`), e.g. http://127.0.0.1:8405/metrics. Relayed under HAProxy's own metric names, not haproxy_exporter's.",
      ),
    log: logPath.describe(
      "HAProxy's log file to tail (its httplog / tcplog lines, as rsyslog writes them). Default: none.",
    ),
  })
  .strict()
  .superRefine((v, ctx) => {
    const set = [v.socket, v.stats_url, v.prometheus_url].filter((x) => x !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: "set one of socket, stats_url or prometheus_url" });
  });

const apacheInstance = z
  .object({
    status_url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .describe(
        "URL of mod_status in machine-readable form, e.g. http://127.0.0.1/server-status?auto.",
      ),
    access_log: logPath.describe(
      "Access log to tail (common or combined format, `%D` at the end for durations). Relative to the config file. Default: none.",
    ),
    error_log: logPath.describe("Error log to tail. Relative to the config file. Default: none."),
  })
  .strict();

/** The agent config's `integrations` section. */
export const integrationsSchema = z
  .object({
    autodetect: z
      .boolean()
      .default(false)
      .describe(
        "Find services from listening sockets and processes under /proc and collect them. `outpost up` turns it on.",
      ),
    detect_interval: intervalDuration()
      .prefault("1m")
      .describe(
        "How often detection runs again: a new service is picked up, a gone one goes stale.",
      ),
    interval: intervalDuration().prefault("15s").describe("How often each service is collected."),
    timeout: positiveDuration()
      .prefault("10s")
      .describe("A collection taking longer is abandoned and reports `<prefix>_up 0`."),
    procfs: filePath().prefault("/proc").describe("procfs mount point detection reads."),
    defaults: z
      .object({
        postgres: z
          .object(postgresLogin)
          .strict()
          .superRefine(oneSecret)
          .prefault({})
          .describe("Login for detected PostgreSQL servers (grant it the pg_monitor role)."),
        redis: z
          .object({
            username: z.string().min(1).optional().describe("ACL user name (Redis 6+)."),
            ...secretFields,
          })
          .strict()
          .superRefine(oneSecret)
          .prefault({})
          .describe("Login for detected Redis servers."),
        mysql: z
          .object(mysqlLogin)
          .strict()
          .superRefine(oneSecret)
          .prefault({})
          .describe("Login for detected MySQL / MariaDB servers."),
        ...mqDefaults,
      })
      .strict()
      .prefault({})
      .describe("Credentials used for detected services."),
    postgres: z
      .array(postgresInstance)
      .prefault([])
      .describe("PostgreSQL servers to collect besides (or instead of) detected ones."),
    redis: z
      .array(redisInstance)
      .prefault([])
      .describe("Redis servers to collect besides (or instead of) detected ones."),
    mysql: z
      .array(mysqlInstance)
      .prefault([])
      .describe("MySQL / MariaDB servers to collect besides (or instead of) detected ones."),
    nginx: z
      .array(nginxInstance)
      .prefault([])
      .describe("nginx servers to collect besides (or instead of) detected ones."),
    haproxy: z
      .array(haproxyInstance)
      .prefault([])
      .describe("HAProxy instances to collect besides (or instead of) detected ones."),
    apache: z
      .array(apacheInstance)
      .prefault([])
      .describe("Apache httpd servers to collect besides (or instead of) detected ones."),
    containers: containersSchema
      .prefault({})
      .describe("Containers' cgroups (v1 or v2) under cAdvisor's container_* names."),
    ...mqInstances,
    logs: z
      .boolean()
      .default(true)
      .describe(
        "Tail services' logs into fields and request metrics: nginx's and Apache's access and error logs (paths from their config, or a configured one's access_log and error_log); HAProxy's log (Debian's /var/log/haproxy.log, or a configured one's log); PostgreSQL's server log, Redis's logfile and MySQL's error log (locations asked of the server over the collector's connection); RabbitMQ's node log (from its management API, else the file the node holds open); memcached's and nats-server's (the file their output or `-l` / `log_file` names, or a configured one's log).",
      ),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.timeout > v.interval)
      ctx.addIssue({ code: "custom", path: ["timeout"], message: "must not exceed interval" });
  });

/** The loaded `integrations` section: durations in ms, paths absolute. */
export type IntegrationsConfig = z.output<typeof integrationsSchema>;

/** Resolves the section's relative paths (procfs, password files) against the config's folder. */
export function normalizeIntegrations(
  input: IntegrationsConfig,
  baseDir: string,
): IntegrationsConfig {
  const file = <T extends { password_file?: string }>(v: T): T =>
    v.password_file === undefined
      ? v
      : { ...v, password_file: resolvePath(baseDir, v.password_file) };
  return {
    ...input,
    procfs: resolvePath(baseDir, input.procfs),
    defaults: {
      postgres: file(input.defaults.postgres),
      redis: file(input.defaults.redis),
      mysql: file(input.defaults.mysql),
      rabbitmq: file(input.defaults.rabbitmq),
    },
    postgres: input.postgres.map(file),
    redis: input.redis.map(file),
    mysql: input.mysql.map(file),
    containers: normalizeContainers(input.containers, baseDir),
    rabbitmq: input.rabbitmq.map(file),
    memcached: input.memcached.map((m) => ({ ...m, log: m.log && resolvePath(baseDir, m.log) })),
    nats: input.nats.map((n) => ({ ...n, log: n.log && resolvePath(baseDir, n.log) })),
    nginx: input.nginx.map((n) => ({
      ...n,
      access_log: n.access_log && resolvePath(baseDir, n.access_log),
      error_log: n.error_log && resolvePath(baseDir, n.error_log),
    })),
    haproxy: input.haproxy.map((h) => ({
      ...h,
      socket: h.socket && resolvePath(baseDir, h.socket),
      log: h.log && resolvePath(baseDir, h.log),
    })),
    apache: input.apache.map((a) => ({
      ...a,
      access_log: a.access_log && resolvePath(baseDir, a.access_log),
      error_log: a.error_log && resolvePath(baseDir, a.error_log),
    })),
  };
}
