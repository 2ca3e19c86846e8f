/**
 * MySQL's / MariaDB's error log (`@@log_error`) as a file source. MariaDB writes
 * `2026-11-23  5:00:00 0 [Note] message` (the hour padded with a space, then the thread id);
 * MySQL 8 writes `2026-11-23T05:00:00.123456Z 0 [System] [MY-010116] [Server] message`.
 */
import { isAbsolute, join } from "node:path";
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

/** An error log line of MariaDB or MySQL 5.7+/8. */
export const MYSQL_LINE =
  "^(?P<time>\\d{4}-\\d\\d-\\d\\d(?:T| +)\\d?\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z?) +(?P<thread>\\d+) \\[(?P<level>[A-Za-z]+)\\] (?:\\[(?P<code>MY-\\d+)\\] \\[(?P<subsystem>\\w+)\\] )?";

/** Where an entry starts: a line that starts with its time. */
export const MYSQL_START = "^\\d{4}-\\d\\d-\\d\\d(?:T| +)\\d?\\d:\\d\\d:\\d\\d";

const STAGES = [
  { regex: { expression: MYSQL_LINE } },
  {
    // MariaDB writes local time without a zone, the hour before 10 padded with a space;
    // MySQL 8 writes UTC with a Z.
    timestamp: {
      source: "time",
      format: "2006-01-02 15:04:05",
      fallback_formats: ["2006-01-02  15:04:05", "2006-01-02T15:04:05.999999Z07:00"],
      location: "Local",
    },
  },
  { level: { source: "level", values: { Note: "info", System: "info" } } },
  { structured_metadata: { thread: "thread", code: "code", subsystem: "subsystem" } },
];

/** The error log source of one MySQL / MariaDB. */
export function mysqlLogSources(t: ServiceLogTarget, file: string): ServiceLogSource[] {
  // Lines without the time (the `Version:` line after "ready for connections", InnoDB's
  // dumps) belong to the entry before them.
  const multiline = { start_pattern: MYSQL_START };
  return [serviceLogSource(t, "mysql", "error", { include: [file], multiline }, STAGES)];
}

/**
 * The file `@@log_error` names: relative to the data directory; empty or `stderr` means the
 * service manager has it (Debian's default sends it to the journal, unless
 * `/etc/mysql/mariadb.conf.d/50-server.cnf` sets `log_error = /var/log/mysql/error.log`).
 */
export function mysqlLogFile(logError: string, datadir: string): string {
  if (logError === "" || logError === "stderr")
    throw new Error(
      "Cannot find MySQL's error log: log_error is unset (it goes to stderr, e.g. the journal); set log_error = /var/log/mysql/error.log",
    );
  return isAbsolute(logError) ? logError : join(datadir, logError);
}
