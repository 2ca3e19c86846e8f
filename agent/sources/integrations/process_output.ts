/**
 * Where a service's own output goes, for those that log to stdout or stderr (memcached, and
 * nats-server without `-l`): the regular file its descriptor 1 or 2 points to, when the agent
 * may read the process's descriptors (root, or the same user). A pipe, socket, terminal or the
 * journal is no file to tail.
 */
import { readlinkSync, statSync } from "node:fs";

/** The regular file `pid` writes its stderr (else stdout) to, or null. */
export function outputFile(pid: number, procfs = "/proc"): string | null {
  if (pid <= 0) return null;
  for (const fd of [2, 1]) {
    let target: string;
    try {
      target = readlinkSync(`${procfs}/${pid}/fd/${fd}`);
    } catch {
      return null; // another user's process, or gone
    }
    if (!target.startsWith("/") || target.startsWith("/dev/")) continue;
    // A deleted file reads "/path (deleted)": nothing left to tail under that name.
    if (statSync(target, { throwIfNoEntry: false })?.isFile()) return target;
  }
  return null;
}

/** The value of `flags` (`-l x`, `--log x`, `--log=x`) in a command line split on blanks. */
export function flagValue(args: readonly string[], flags: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (flags.includes(a) && i + 1 < args.length) return args[i + 1];
    for (const f of flags) if (a.startsWith(`${f}=`)) return a.slice(f.length + 1);
  }
  return undefined;
}
