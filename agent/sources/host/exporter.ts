import { readdirSync } from "node:fs";
import type { MetricWriter } from "../../pipeline/emitter.ts";
import { pageSize } from "./collectors/sockstat.ts";
import { fields, lines, parseNumber, readText } from "./read.ts";

/** USER_HZ: /proc/<pid>/stat counts CPU time and start time in 1/100 s. */
const USER_HZ = 100;
/** What the Go client reports for an unlimited rlimit: RLIM_INFINITY (2^64 - 1) as a float64. */
const UNLIMITED = 2 ** 64;
const NO_LABELS: string[] = [];

/** The process figures node_exporter's Go client reports about itself. */
export interface ProcessFigures {
  cpuSeconds: number;
  openFds: number;
  maxFds: number;
  virtualBytes: number;
  virtualMaxBytes: number;
  residentBytes: number;
  startTimeSeconds: number;
}

/**
 * Reads the figures of the process whose /proc directory is `dir` (`/proc/self` for the agent):
 * stat for CPU, memory and start time, fd for open descriptors, limits for their maxima.
 * `bootTime` is /proc/stat's btime, which stat's start time counts from.
 */
export function readProcessFigures(dir: string, bootTime: number): ProcessFigures {
  const stat = readText(`${dir}/stat`);
  // The command name sits in parentheses and may hold spaces: fields count from after it.
  const f = fields(stat.slice(stat.lastIndexOf(")") + 2));
  const num = (i: number) => parseNumber(f[i], `${dir}/stat`);
  const limits = readLimits(`${dir}/limits`);
  return {
    cpuSeconds: (num(11) + num(12)) / USER_HZ,
    openFds: readdirSync(`${dir}/fd`).length,
    maxFds: limits.get("Max open files") ?? UNLIMITED,
    virtualBytes: num(20),
    virtualMaxBytes: limits.get("Max address space") ?? UNLIMITED,
    residentBytes: num(21) * pageSize(),
    startTimeSeconds: bootTime + num(19) / USER_HZ,
  };
}

/** Soft limits of a /proc/<pid>/limits table by name; "unlimited" as RLIM_INFINITY. */
function readLimits(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines(readText(path)).slice(1)) {
    // Names have spaces; the columns after them are aligned at fixed offsets.
    const name = line.slice(0, 26).trim();
    const soft = fields(line.slice(26))[0];
    out.set(name, soft === "unlimited" ? UNLIMITED : parseNumber(soft, path));
  }
  return out;
}

/** The `btime` line of a /proc/stat. */
export function readBootTime(proc: string): number {
  const path = `${proc}/stat`;
  for (const line of lines(readText(path))) {
    if (line.startsWith("btime ")) return parseNumber(line.slice(6).trim(), path);
  }
  throw new SyntaxError(`Cannot parse ${path}: it has no btime line`);
}

/** process_* families: name, type, HELP (node_exporter's Go client's words) and figure. */
const FAMILIES: [string, "gauge" | "counter", string, keyof ProcessFigures][] = [
  [
    "process_cpu_seconds_total",
    "counter",
    "Total user and system CPU time spent in seconds.",
    "cpuSeconds",
  ],
  ["process_max_fds", "gauge", "Maximum number of open file descriptors.", "maxFds"],
  ["process_open_fds", "gauge", "Number of open file descriptors.", "openFds"],
  ["process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "residentBytes"],
  [
    "process_start_time_seconds",
    "gauge",
    "Start time of the process since unix epoch in seconds.",
    "startTimeSeconds",
  ],
  ["process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "virtualBytes"],
  [
    "process_virtual_memory_max_bytes",
    "gauge",
    "Maximum amount of virtual memory available in bytes.",
    "virtualMaxBytes",
  ],
];

/** Writes the process_* families node_exporter serves about its own process. */
export function writeProcessFigures(w: MetricWriter, figures: ProcessFigures): void {
  for (const [name, type, help, key] of FAMILIES) {
    w.family(name, type, help);
    w.sample(name, NO_LABELS, figures[key]);
  }
}
