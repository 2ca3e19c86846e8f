/**
 * What a process costs the host, read from /proc: CPU time (utime + stime of every thread, in
 * clock ticks) and resident memory (VmRSS), sampled over a measurement window.
 */
import { readdirSync, readFileSync } from "node:fs";

const RSS_EVERY_MS = 1_000;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
export const CLK_TCK = clockTicks();

function clockTicks(): number {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"]);
  const n = Number(r.stdout.toString().trim());
  return r.exitCode === 0 && n > 0 ? n : 100;
}

/**
 * Fields of /proc/<pid>/stat (or of one thread's, /proc/<pid>/task/<tid>/stat) after the
 * command name (which may hold spaces and parentheses).
 */
function statFields(pid: number, tid?: number): string[] {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const text = readFileSync(path, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/**
 * One thread's minor page faults and CPU seconds (user + system) so far: by default the
 * process's first thread, which in Bun is the JS thread.
 */
export function threadUsage(pid: number, tid = pid): { faults: number; cpuSeconds: number } {
  const f = statFields(pid, tid);
  // minflt is field 10 of stat(5), utime and stime 14 and 15: 7, 11 and 12 after the name.
  return { faults: Number(f[7]), cpuSeconds: (Number(f[11]) + Number(f[12])) / CLK_TCK };
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  // After the name: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12.
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Resident memory of the process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`Cannot read the RSS of process ${pid}: no VmRSS in its status`);
  return Number(m[1]) * 1024;
}

/**
 * Resident memory by kind in bytes, from /proc/<pid>/status: `anon` is the process's own
 * (heap, JIT code, buffers), `file` the mapped files' pages it has touched (its binary's
 * code, shared with every process running it), and `pss` (smaps_rollup) the RSS with each
 * shared page divided among the processes that map it.
 */
export function rssKinds(pid: number): { anon: number; file: number; pss: number } {
  const kb = (text: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text)?.[1] ?? Number.NaN) * 1024;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return { anon: kb(status, "RssAnon"), file: kb(status, "RssFile"), pss: kb(rollup, "Pss") };
}

/** The peak resident memory of the process over its life in bytes (VmHWM). */
export function rssPeakBytes(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`Cannot read the peak RSS of process ${pid}: no VmHWM in its status`);
  return Number(m[1]) * 1024;
}

/** The child of process `parent` (this one by default) whose command line contains `arg`, or null. */
export function childPidWithArg(arg: string, parent = process.pid): number | null {
  for (const pid of childPids(parent)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv.includes(arg)) return pid;
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

/** The cost of one process over a window. */
export interface Usage {
  wallSeconds: number;
  cpuSeconds: number;
  /** CPU seconds per wall second: 1 is one core fully busy. */
  cores: number;
  rssPeakBytes: number;
  rssMeanBytes: number;
  rssFirstBytes: number;
  rssLastBytes: number;
}

/** A running measurement of one process; `stop()` ends it and returns the usage. */
export interface Meter {
  stop(): Usage;
}

/** Starts measuring `pid` now: CPU at both ends, RSS every second in between. */
export function startMeter(pid: number): Meter {
  return meter(
    () => cpuSeconds(pid),
    () => rssBytes(pid),
  );
}

/** The live direct children of process `parent`. */
export function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      if (Number(statFields(pid)[1]) === parent) out.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/**
 * CPU seconds of `pid` with its children: its own, those of the children it has reaped
 * (cutime + cstime) and those of its live children. A child that comes and goes inside a
 * window (a journalctl stopped and started again) is counted whole.
 */
export function treeCpuSeconds(pid: number): number {
  const f = statFields(pid);
  let total = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
  for (const child of childPids(pid)) {
    try {
      total += cpuSeconds(child);
    } catch {
      // Reaped while we looked: its time is in cutime from the next reading on.
    }
  }
  return total;
}

/** Resident memory of `pid` and its live children, summed. */
export function treeRssBytes(pid: number): number {
  let total = rssBytes(pid);
  for (const child of childPids(pid)) {
    try {
      total += rssBytes(child);
    } catch {
      // The child ended while we looked.
    }
  }
  return total;
}

/**
 * Starts measuring `pid` with its children (`treeCpuSeconds`, `treeRssBytes`): children that
 * start or stop inside the window are in its CPU, and in the RSS samples while they live.
 */
export function startTreeMeter(pid: number): Meter {
  return meter(
    () => treeCpuSeconds(pid),
    () => treeRssBytes(pid),
  );
}

function meter(cpuNow: () => number, rssNow: () => number): Meter {
  const t0 = performance.now();
  const cpu0 = cpuNow();
  const rss: number[] = [rssNow()];
  const timer = setInterval(() => rss.push(rssNow()), RSS_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      const cpu = cpuNow() - cpu0;
      const wallSeconds = (performance.now() - t0) / 1000;
      rss.push(rssNow());
      return {
        wallSeconds,
        cpuSeconds: cpu,
        cores: cpu / wallSeconds,
        rssPeakBytes: Math.max(...rss),
        rssMeanBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
        rssFirstBytes: rss[0],
        rssLastBytes: rss[rss.length - 1],
      };
    },
  };
}

/** Bytes as mebibytes. */
export const mb = (bytes: number): number => bytes / (1 << 20);

/**
 * CPU seconds of the process's threads so far, summed by thread name (`comm`: the JS thread,
 * the JIT's and the garbage collector's helpers, a library's workers).
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")).replace(/\d+$/, "");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK);
    } catch {
      // The thread ended while we looked.
    }
  }
  return out;
}

/**
 * How many times the process's threads have gone to sleep waiting and been woken so far
 * (voluntary context switches, all threads): at rest, how often something wakes it.
 */
export function wakeUps(pid: number): number {
  let n = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      n += Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
    } catch {
      // The thread ended while we looked.
    }
  }
  return n;
}

/** The CPU of each thread since `before` (a `threadCpuSeconds()` reading), busiest first, as text. */
export function threadCpuSince(pid: number, before: ReadonlyMap<string, number>): string {
  return [...threadCpuSeconds(pid)]
    .map(([t, s]) => [t, s - (before.get(t) ?? 0)] as const)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([t, s]) => `${t} ${(s * 1_000).toFixed(0)} ms`)
    .join(", ");
}
