import { readdirSync } from "node:fs";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { isDigits, isNotFound, readText, readUint } from "../read.ts";

const NO_LABELS: string[] = [];
/** num_threads is field 20 of /proc/<pid>/stat, the 18th after the one holding the state (3). */
const THREADS_AFTER_STATE = 17;

/** What one walk of /proc finds. */
interface Census {
  pids: number;
  threads: number;
  states: Map<string, number>;
  threadStates: Map<string, number>;
}

/** The state letter and thread count from the text of a /proc/<pid>/stat file. */
export function parseProcStat(text: string): { state: string; threads: number } {
  // The command name may hold spaces and parentheses: fields restart after the last `)`.
  const at = text.lastIndexOf(")") + 2;
  let p = at;
  for (let i = 0; i < THREADS_AFTER_STATE && p > 0; i++) p = text.indexOf(" ", p) + 1;
  const end = text.indexOf(" ", p);
  const threads = p > 0 ? Number(text.slice(p, end < 0 ? text.length : end)) : Number.NaN;
  if (at < 2 || Number.isNaN(threads)) {
    throw new SyntaxError(`Cannot parse a process stat file: "${text.slice(0, 80)}"`);
  }
  return { state: text[at], threads };
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Numeric entries of a /proc directory (PIDs or TIDs); null when the directory is gone. */
function numericEntries(dir: string): string[] | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  return names.filter((n) => isDigits(n, 0, n.length));
}

/** Reads a stat file; null when the process or thread ended while we looked. */
function readStat(path: string): string | null {
  try {
    return readText(path);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Walks /proc: processes and threads by state, as node_exporter's processes collector does. */
export function census(proc: string): Census {
  const c: Census = { pids: 0, threads: 0, states: new Map(), threadStates: new Map() };
  for (const pid of numericEntries(proc) ?? []) {
    const text = readStat(`${proc}/${pid}/stat`);
    if (text === null) continue;
    const stat = parseProcStat(text);
    c.pids++;
    c.threads += stat.threads;
    count(c.states, stat.state);
    for (const tid of numericEntries(`${proc}/${pid}/task`) ?? []) {
      if (tid === pid) {
        count(c.threadStates, stat.state);
        continue;
      }
      const t = readStat(`${proc}/${pid}/task/${tid}/stat`);
      if (t !== null) count(c.threadStates, parseProcStat(t).state);
    }
  }
  return c;
}

/**
 * node_exporter's `processes` collector (off by default there, on in Outpost: see config.ts):
 * processes and threads in total and by state, and the kernel's PID and thread limits. Its
 * cost grows with the number of threads, as it reads one stat file per thread.
 */
export const processesCollector: HostCollector = {
  name: "processes",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const proc = ctx.paths.proc;
    const c = census(proc);
    w.family("node_processes_threads", "gauge", "Allocated threads in system");
    w.sample("node_processes_threads", NO_LABELS, c.threads);
    const maxThreads = readUint(`${proc}/sys/kernel/threads-max`);
    w.family("node_processes_max_threads", "gauge", "Limit of threads in the system");
    w.sample("node_processes_max_threads", NO_LABELS, maxThreads);
    w.family("node_processes_state", "gauge", "Number of processes in each state.");
    for (const [state, n] of c.states) w.sample("node_processes_state", ["state", state], n);
    w.family("node_processes_threads_state", "gauge", "Number of threads in each state.");
    for (const [state, n] of c.threadStates) {
      w.sample("node_processes_threads_state", ["thread_state", state], n);
    }
    const maxPids = readUint(`${proc}/sys/kernel/pid_max`);
    w.family("node_processes_pids", "gauge", "Number of PIDs");
    w.sample("node_processes_pids", NO_LABELS, c.pids);
    w.family("node_processes_max_processes", "gauge", "Number of max PIDs limit");
    w.sample("node_processes_max_processes", NO_LABELS, maxPids);
  },
};
