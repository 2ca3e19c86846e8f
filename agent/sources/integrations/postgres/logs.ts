/**
 * PostgreSQL's server log as a file source: where it is from the server's own settings
 * (`SHOW` on the collector's connection), and its `log_line_prefix` lines (`%m [%p] `,
 * Debian's `%m [%p] %q%u@%d `) parsed into time, level, pid, user and database. DETAIL,
 * HINT, CONTEXT and STATEMENT lines join the entry they explain.
 */
import { isAbsolute, join } from "node:path";
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

/** The settings that say where the log goes and what its lines start with. */
export const LOG_SETTINGS = [
  "logging_collector",
  "log_destination",
  "log_directory",
  "log_filename",
  "data_directory",
  "cluster_name",
  "log_line_prefix",
] as const;

/** The values of {@link LOG_SETTINGS}, by name. */
export type PostgresLogSettings = Record<(typeof LOG_SETTINGS)[number], string>;

const TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+";
/** Severities of a message's first line; DETAIL, HINT, STATEMENT and the like follow it. */
const PRIMARY = "(?:LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DEBUG[1-5])";

/** A line under the default prefixes: `%m [%p] ` and an optional `%u@%d `, then `LEVEL:  `. */
export const PG_LINE = `^(?P<time>${TIME}) \\[(?P<pid>\\d+)\\] (?:(?P<user>[^@\\s]*)@(?P<database>\\S*) )?(?P<level>[A-Z]+[1-5]?):  `;

/** Where an entry starts: a primary severity under the prefix. */
export const PG_START = `^${TIME} \\[\\d+\\] (?:\\S*@\\S* )?${PRIMARY}:  `;

/**
 * PostgreSQL's severities in the levels the other logs use. FATAL ends one session (a
 * refused login), not the server: an error; PANIC stops the server.
 */
const LEVELS = {
  LOG: "info",
  INFO: "info",
  NOTICE: "info",
  WARNING: "warn",
  ERROR: "error",
  FATAL: "error",
  PANIC: "fatal",
  ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`DEBUG${n}`, "debug"])),
};

const STAGES = [
  { regex: { expression: PG_LINE } },
  { timestamp: { source: "time", format: "2006-01-02 15:04:05.999 MST", location: "Local" } },
  { level: { source: "level", values: LEVELS } },
  { structured_metadata: { pid: "pid", user: "user", database: "database" } },
];

/** Prefixes PG_LINE reads: the default and Debian's, with `%t` (no milliseconds) as well. */
const KNOWN_PREFIX = /^%[mt] \[%p\] (?:(?:%q)?%u@%d )?$/;

/**
 * The log source of one PostgreSQL. A prefix other than the known ones is tailed with the
 * level found in the line only: its fields cannot be told apart.
 */
export function postgresLogSources(
  t: ServiceLogTarget,
  include: readonly string[],
  prefix = "%m [%p] ",
): ServiceLogSource[] {
  if (!KNOWN_PREFIX.test(prefix))
    return [serviceLogSource(t, "postgres", "server", { include }, [{ level: {} }])];
  const multiline = { start_pattern: PG_START };
  return [serviceLogSource(t, "postgres", "server", { include, multiline }, STAGES)];
}

/**
 * The log files the settings name: the collector's files (log_filename's strftime escapes as
 * `*`), or, with stderr not collected, Debian's `/var/log/postgresql/postgresql-<cluster>.log`.
 */
export function postgresLogFiles(s: PostgresLogSettings, varLog = "/var/log/postgresql"): string {
  const destinations = s.log_destination.split(",").map((d) => d.trim());
  if (s.logging_collector === "on" && destinations.includes("stderr")) {
    const dir = isAbsolute(s.log_directory)
      ? s.log_directory
      : join(s.data_directory, s.log_directory);
    return join(dir, s.log_filename.replace(/(?:%.)+/g, "*"));
  }
  // pg_ctlcluster sets cluster_name to `<version>/<name>` and sends stderr to this file.
  if (/^\d+\/[\w.-]+$/.test(s.cluster_name))
    return join(varLog, `postgresql-${s.cluster_name.replace("/", "-")}.log`);
  throw new Error(
    "Cannot find PostgreSQL's log: logging_collector is off and it is not a Debian cluster (its stderr goes where its service manager sends it); turn logging_collector on",
  );
}
