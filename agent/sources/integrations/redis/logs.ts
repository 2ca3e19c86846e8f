/**
 * Redis's log (`logfile` from `CONFIG GET`) as a file source. Lines read
 * `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`, the role one of M, S, C, X and the
 * level one of `.` `-` `*` `#` (debug, verbose, notice, warning).
 */
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

/** A Redis 3+ log line; older lines without a role leave it out. */
export const REDIS_LINE =
  "^(?P<pid>\\d+):(?:(?P<role>[MSCX]) )?(?P<time>\\d\\d? [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (?P<level>[.*#-]) ";

/** Where an entry starts: `pid:role time`. */
export const REDIS_START = "^\\d+:(?:[MSCX] )?\\d\\d? [A-Z][a-z]{2} \\d{4} ";

const STAGES = [
  { regex: { expression: REDIS_LINE } },
  // Redis writes the host's local time with no zone.
  { timestamp: { source: "time", format: "_2 Jan 2006 15:04:05.000", location: "Local" } },
  // Verbose is between debug and notice: debug, as the other logs have no level there.
  { level: { source: "level", values: { ".": "debug", "-": "debug", "*": "info", "#": "warn" } } },
  // C is a forked child (a background save or rewrite); X a sentinel.
  { map: { source: "role", values: { M: "master", S: "replica", C: "child", X: "sentinel" } } },
  { structured_metadata: { pid: "pid", role: "role" } },
];

/** The log source of one Redis. */
export function redisLogSources(t: ServiceLogTarget, logfile: string): ServiceLogSource[] {
  // Raw lines (a crash report's, the logo an old Redis prints) join the entry before them.
  const multiline = { start_pattern: REDIS_START };
  return [serviceLogSource(t, "redis", "server", { include: [logfile], multiline }, STAGES)];
}

/** A logfile of `""` is stdout (systemd's journal): nothing to tail. */
export function redisLogFile(logfile: string): string {
  if (logfile === "")
    throw new Error(
      "Cannot find Redis's log: logfile is empty (it logs to stdout, e.g. the journal); set logfile in redis.conf",
    );
  return logfile;
}
