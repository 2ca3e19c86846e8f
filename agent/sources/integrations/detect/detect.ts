/**
 * Detection over a procfs tree: reads the socket tables, the names of every process, and the
 * fds of the few whose names a rule knows, then applies the rules (rules.ts).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { parseTcpListeners, parseUnixListeners, type TcpListener } from "./proc_net.ts";
import { type DetectedService, kindOf, matchServices, type ProcessInfo } from "./rules.ts";

export type { DetectedService, ServiceKind } from "./rules.ts";

/** What detection reads and which services it keeps. */
export interface DetectOptions {
  /** procfs mount, `/proc` on a host; tests point it elsewhere or filter instead. */
  procfs: string;
  /** Keeps a detected service; tests scope detection to their own pids or ports. */
  filter?: (s: DetectedService) => boolean;
}

/**
 * Finds the services running on the host. Unreadable parts are skipped, never thrown. The
 * reads are synchronous, as the host collectors' are: a walk of ~80 processes took 27 ms of
 * CPU with a promise per file and 15 ms without (bench/integrations_idle.ts prints the
 * figure), of which ~10 ms is the kernel printing /proc/net/tcp and tcp6 (each walks the whole
 * established-socket hash, 262,144 buckets on a 2-core VM, for a few lines).
 */
export async function detectServices(opts: DetectOptions): Promise<DetectedService[]> {
  const tcp: TcpListener[] = [
    ...parseTcpListeners(readText(join(opts.procfs, "net/tcp"))),
    ...parseTcpListeners(readText(join(opts.procfs, "net/tcp6"))),
  ];
  const unix = parseUnixListeners(readText(join(opts.procfs, "net/unix")));
  const found = matchServices(readProcesses(opts.procfs), tcp, unix);
  return opts.filter ? found.filter(opts.filter) : found;
}

function readProcesses(procfs: string): ProcessInfo[] {
  let names: string[];
  try {
    names = readdirSync(procfs);
  } catch {
    return [];
  }
  const out: ProcessInfo[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const dir = join(procfs, name);
    const comm = readText(join(dir, "comm")).trim();
    const cmdline = readText(join(dir, "cmdline")).replaceAll("\0", " ").trim();
    // Only a known service's fds are read: every process's would cost a syscall per fd.
    if (kindOf({ comm, cmdline }) === null) continue;
    out.push({ pid: Number(name), comm, cmdline, sockets: socketInodes(dir) });
  }
  return out;
}

/** Inodes of the process's sockets from its fd symlinks (`socket:[12345]`); null if unreadable. */
function socketInodes(dir: string): Set<number> | null {
  let fds: string[];
  try {
    fds = readdirSync(join(dir, "fd"));
  } catch {
    return null;
  }
  const inodes = new Set<number>();
  for (const fd of fds) {
    let target = "";
    try {
      target = readlinkSync(join(dir, "fd", fd));
    } catch {
      // Closed since the listing.
    }
    if (target.startsWith("socket:[")) inodes.add(Number(target.slice(8, -1)));
  }
  return inodes;
}

/** A file's text, or "" when it is gone (a process that exited mid-walk) or unreadable. */
function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
