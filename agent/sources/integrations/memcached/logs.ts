/**
 * memcached's log as a file source. memcached writes to stderr only (`-v` adds connection
 * events, `-vv` commands), so its log is wherever that goes: a file the process's stderr points
 * to, else the `logfile` of Debian's /etc/memcached.conf when that file exists (sysvinit's
 * start script writes there; under systemd the output goes to the journal instead), or the
 * `log` of a configured instance. Lines have no time; `<fd`/`>fd` lines (client traffic under
 * `-vv`) give the connection's descriptor, and failures are levelled as errors.
 */
import { existsSync } from "node:fs";
import { readTextIfExists } from "../../host/read.ts";
import { outputFile } from "../process_output.ts";
import { type ServiceLogSource, type ServiceLogTarget, serviceLogSource } from "../service_logs.ts";

/** Debian's config, read by its start scripts (memcached itself reads no file). */
export const DEBIAN_MEMCACHED_CONF = "/etc/memcached.conf";

/**
 * Any line: a `-vv` line's direction and descriptor (`<31 get foo` from the client on fd 31,
 * `>31 END` to it), and the word of a failure (`failed to listen on TCP port`, `Out of
 * memory`), each optional, so every line matches.
 */
export const MEMCACHED_LINE =
  "^(?:(?P<direction>[<>])(?P<fd>\\d+) )?(?:.*?(?P<fault>[Ff]ailed|[Ee]rror|[Cc]annot|[Cc]an't|[Oo]ut of memory|[Ww]arning))?";

const STAGES = [
  { regex: { expression: MEMCACHED_LINE } },
  {
    level: {
      source: "fault",
      values: {
        Failed: "error",
        failed: "error",
        Error: "error",
        error: "error",
        Cannot: "error",
        cannot: "error",
        "Can't": "error",
        "can't": "error",
        "Out of memory": "error",
        "out of memory": "error",
        Warning: "warn",
        warning: "warn",
      },
      fallback: "info",
    },
  },
  { structured_metadata: { direction: "direction", fd: "fd" } },
];

/** The file source of one memcached's log. */
export function memcachedLogSources(t: ServiceLogTarget, file: string): ServiceLogSource[] {
  return [serviceLogSource(t, "memcached", "server", { include: [file] }, STAGES)];
}

/** The `logfile` line of a memcached.conf, or undefined. */
export function confLogfile(text: string): string | undefined {
  const m = /^[ \t]*logfile[ \t]+(\/\S+)/m.exec(text);
  return m?.[1];
}

/** A detected memcached's log: its stderr's file, else Debian's conf's logfile when it exists. */
export async function detectedMemcachedLogs(
  t: ServiceLogTarget,
  pid: number,
  conf = DEBIAN_MEMCACHED_CONF,
): Promise<ServiceLogSource[]> {
  const output = outputFile(pid);
  if (output) return memcachedLogSources(t, output);
  const text = (readTextIfExists(conf) ?? "").slice(0, 1 << 16);
  const logfile = confLogfile(text);
  if (logfile && existsSync(logfile)) return memcachedLogSources(t, logfile);
  throw new Error(
    `Cannot find memcached's log: its output goes to no file the agent can read (under systemd it goes to the journal)${logfile ? `, and ${logfile} from ${conf} does not exist` : ""}; set integrations.memcached[].log`,
  );
}
