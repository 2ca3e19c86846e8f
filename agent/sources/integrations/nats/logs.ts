/**
 * nats-server's log as a file source: the file its command line (`-l`, `--log`) or its config
 * (`log_file`, from `-c`) names, else the file its stderr points to, or a configured instance's
 * `log`. Lines `[pid] 2026/11/23 16:30:00.123456 [INF] message` become a time (the host's local
 * time, as nats-server writes it), a level and, on a client's lines, its address and
 * connection id (`127.0.0.1:52114 - cid:5 - …`).
 */
import { readFileSync, readlinkSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { flagValue, outputFile } from "../process_output.ts";
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

/**
 * A line: the server's pid, its time (absent with `logtime: false`), its level and, on a
 * connection's line, its remote address and kind:id (client, route, leafnode, gateway).
 */
export const NATS_LINE =
  "^\\[(?P<pid>\\d+)\\] (?:(?P<time>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) )?\\[(?P<level>INF|WRN|ERR|FTL|DBG|TRC)\\] (?:(?P<remote>\\S+:\\d+) - (?P<conn_kind>cid|rid|lid|gid|mid):(?P<conn_id>\\d+) - )?";

/** The stages that read nats-server's line (also `outpost up`'s own nats-server log). */
export const NATS_LOG_STAGES = [
  { regex: { expression: NATS_LINE } },
  {
    timestamp: {
      source: "time",
      format: "2006/01/02 15:04:05.000000",
      location: "Local",
      action_on_failure: "skip",
    },
  },
  {
    level: {
      source: "level",
      values: {
        INF: "info",
        WRN: "warn",
        ERR: "error",
        FTL: "fatal",
        DBG: "debug",
        TRC: "trace",
      },
    },
  },
  { structured_metadata: { remote: "remote", conn_kind: "conn_kind", conn_id: "conn_id" } },
];

/** The file source of one nats-server's log. */
export function natsLogSources(t: ServiceLogTarget, file: string): ServiceLogSource[] {
  return [serviceLogSource(t, "nats", "server", { include: [file] }, NATS_LOG_STAGES)];
}

/** The `log_file` a nats-server config text sets (`log_file: "/x"`, `log_file = /x`), or undefined. */
export function confLogFile(text: string): string | undefined {
  const m = /^[ \t]*log_file[ \t]*[:=]?[ \t]*["']?([^"'\s#]+)/m.exec(text);
  return m?.[1];
}

/**
 * The log file of the nats-server running `cmdline` as `pid`: `-l`, else its config's
 * `log_file` (relative paths are the process's working folder's), else its stderr's file.
 */
export function natsLogFile(cmdline: string, pid: number, procfs = "/proc"): string | null {
  const args = cmdline.split(/\s+/).filter((a) => a !== "");
  const cwd = workingDir(pid, procfs);
  const abs = (p: string) => (isAbsolute(p) ? p : join(cwd, p));
  const flag = flagValue(args, ["-l", "--log", "-log"]);
  if (flag) return abs(flag);
  const conf = flagValue(args, ["-c", "--config", "-config"]);
  if (conf) {
    let text = "";
    try {
      text = readFileSync(abs(conf), "utf8").slice(0, 1 << 20);
    } catch {
      // unreadable: its stderr may still be a file
    }
    const file = confLogFile(text);
    if (file) return abs(file);
  }
  return outputFile(pid, procfs);
}

/** The process's working folder, or / when it cannot be read. */
function workingDir(pid: number, procfs: string): string {
  try {
    return readlinkSync(`${procfs}/${pid}/cwd`);
  } catch {
    return "/";
  }
}

/** A detected nats-server's log source; throws saying where the agent looked. */
export async function detectedNatsLogs(
  t: ServiceLogTarget,
  cmdline: string,
  pid: number,
): Promise<ServiceLogSource[]> {
  const file = natsLogFile(cmdline, pid);
  if (file) return natsLogSources(t, file);
  throw new Error(
    "Cannot find nats-server's log: no -l flag, no log_file in its config, and its output goes to no file the agent can read (under systemd it goes to the journal); set integrations.nats[].log",
  );
}
