/**
 * RabbitMQ's node log (3.9+'s default format) as a file source: where it is, asked of the
 * management API (`log_files` of the node), else the file the node holds open, else Debian's
 * folder; lines `2026-11-23 07:21:08.430507+00:00 [notice] <0.223.0> message` parsed into time,
 * level and the Erlang process. Lines without that start (a crash report's) join the entry.
 */
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

const TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+[+-]\\d\\d:\\d\\d";

/** A line: time with its offset, `[level]`, `<erlang pid>`. */
export const RABBIT_LINE = `^(?P<time>${TIME}) \\[(?P<level>[a-z]+)\\] <(?P<erlang_pid>[0-9.]+)> `;

/** Where an entry starts. */
export const RABBIT_START = `^${TIME} \\[[a-z]+\\] `;

/** Erlang logger's levels in the levels the other logs use. */
const LEVELS = {
  debug: "debug",
  info: "info",
  notice: "info",
  warning: "warn",
  error: "error",
  critical: "critical",
  alert: "critical",
  emergency: "critical",
};

const STAGES = [
  { regex: { expression: RABBIT_LINE } },
  { timestamp: { source: "time", format: "2006-01-02 15:04:05.999999-07:00" } },
  { level: { source: "level", values: LEVELS } },
  { structured_metadata: { erlang_pid: "erlang_pid" } },
];

/** The log source of one RabbitMQ node. */
export function rabbitmqLogSources(t: ServiceLogTarget, file: string): ServiceLogSource[] {
  const multiline = { start_pattern: RABBIT_START };
  return [serviceLogSource(t, "rabbitmq", "server", { include: [file], multiline }, STAGES)];
}

/** What rabbitmqLogs() asks: the management API's log files, and the node's pid. */
export interface RabbitLogHints {
  /** The node's `log_files` from the management API; throws when it cannot be asked. */
  logFiles(): Promise<string[]>;
  /** The node's OS pid when detected, else 0. */
  readonly pid: number;
}

/** Debian's folder, where the node logs when nothing else says. */
export const DEBIAN_RABBIT_LOGS = "/var/log/rabbitmq";

/** The node's log file as a source: from the API, else its open files, else Debian's folder. */
export async function rabbitmqLogs(
  hints: RabbitLogHints,
  t: ServiceLogTarget,
  debianDir = DEBIAN_RABBIT_LOGS,
): Promise<ServiceLogSource[]> {
  const asked = await hints.logFiles().catch(() => [] as string[]);
  const file = asked.find(isNodeLog) ?? openLog(hints.pid) ?? onlyNodeLog(debianDir);
  if (file === null)
    throw new Error(
      `Cannot find the log of RabbitMQ at ${t.instance}: the management API did not say, the node's open files could not be read, and ${debianDir} holds no single node log`,
    );
  return rabbitmqLogSources(t, file);
}

/** A node log, not the upgrade log or a console (`<stdout>`). */
function isNodeLog(path: string): boolean {
  return path.startsWith("/") && path.endsWith(".log") && !path.endsWith("_upgrade.log");
}

/** The node log among the files the process holds open (needs root or the same user). */
function openLog(pid: number): string | null {
  if (pid <= 0) return null;
  try {
    const dir = `/proc/${pid}/fd`;
    for (const fd of readdirSync(dir)) {
      const target = (() => {
        try {
          return readlinkSync(join(dir, fd));
        } catch {
          return "";
        }
      })();
      if (isNodeLog(target)) return target;
    }
  } catch {
    // another user's process: fall through to Debian's folder
  }
  return null;
}

function onlyNodeLog(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const logs = readdirSync(dir).filter((f) => isNodeLog(join(dir, f)));
  return logs.length === 1 ? join(dir, logs[0]) : null;
}
