/**
 * Detection over a procfs tree: reads the socket tables, the names of every process, and the
 * fds of the few whose names a rule knows, then applies the rules (rules.ts).
 */
import { readdir, readFile, readlink } from "node:fs/promises";
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

/** Finds the services running on the host. Unreadable parts are skipped, never thrown. */
export async function detectServices(opts: DetectOptions): Promise<DetectedService[]> {
  const [tcp4, tcp6, unix] = await Promise.all([
    readText(join(opts.procfs, "net/tcp")),
    readText(join(opts.procfs, "net/tcp6")),
    readText(join(opts.procfs, "net/unix")),
  ]);
  const tcp: TcpListener[] = [...parseTcpListeners(tcp4), ...parseTcpListeners(tcp6)];
  const processes = await readProcesses(opts.procfs);
  const found = matchServices(processes, tcp, parseUnixListeners(unix));
  return opts.filter ? found.filter(opts.filter) : found;
}

async function readProcesses(procfs: string): Promise<ProcessInfo[]> {
  let names: string[];
  try {
    names = await readdir(procfs);
  } catch {
    return [];
  }
  const out: ProcessInfo[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const dir = join(procfs, name);
    const comm = (await readText(join(dir, "comm"))).trim();
    const cmdline = (await readText(join(dir, "cmdline"))).replaceAll("\0", " ").trim();
    // Only a known service's fds are read: every process's would cost a syscall per fd.
    if (kindOf({ comm, cmdline }) === null) continue;
    out.push({ pid: Number(name), comm, cmdline, sockets: await socketInodes(dir) });
  }
  return out;
}

/** Inodes of the process's sockets from its fd symlinks (`socket:[12345]`); null if unreadable. */
async function socketInodes(dir: string): Promise<Set<number> | null> {
  let fds: string[];
  try {
    fds = await readdir(join(dir, "fd"));
  } catch {
    return null;
  }
  const inodes = new Set<number>();
  for (const fd of fds) {
    const target = await readlink(join(dir, "fd", fd)).catch(() => "");
    if (target.startsWith("socket:[")) inodes.add(Number(target.slice(8, -1)));
  }
  return inodes;
}

/** A file's text, or "" when it is gone (a process that exited mid-walk) or unreadable. */
async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}
