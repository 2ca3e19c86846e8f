import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, isDigits, lines, parseNumber, readText, readTextIfExists } from "../read.ts";
import { writeThermalThrottles } from "./cpu_throttle.ts";

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node_exporter supports. */
const USER_HZ = 100;
/** An idle counter falling back by this much means a CPU was hot-plugged: start it afresh. */
const JUMP_BACK_SECONDS = 3;
/** /proc/stat columns after the name, in order; the last two are guest time. */
const COLUMNS = 10;
const IDLE = 3;
/** `mode` label of each of the first eight columns in node_cpu_seconds_total. */
const MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];
/** `mode` label of the guest columns in node_cpu_guest_seconds_total. */
const GUEST_MODES = ["user", "nice"];

/** What the collector keeps per CPU between collections. */
interface CpuState {
  /** Last value written per column, in seconds: counters never go back. */
  last: Float64Array;
  labels: string[][];
  guestLabels: string[][];
}

/**
 * node_exporter's `cpu` collector with its defaults (guest metrics on, cpu_info off): seconds
 * per CPU and mode from /proc/stat, `node_cpu_isolated` from sysfs, and thermal throttle
 * counters where sysfs has them.
 *
 * Like node_exporter, it never lets a counter go back (the kernel's iowait and idle do, on
 * tickless kernels): a smaller value repeats the last one, unless idle fell by 3 s or more,
 * which means the CPU was hot-plugged and all of its counters start over.
 */
export class CpuCollector implements HostCollector {
  readonly name = "cpu";
  /** Per procfs mount, so that two sources reading different trees keep apart. */
  private readonly states = new Map<string, Map<number, CpuState>>();
  private readonly isolated = new Map<string, number[]>();

  collect(w: MetricWriter, ctx: CollectContext): void {
    const cpus = this.statesFor(ctx.paths.proc);
    w.family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
    w.family(
      "node_cpu_guest_seconds_total",
      "counter",
      "Seconds the CPUs spent in guests (VMs) for each mode.",
    );
    const seen = new Set<number>();
    for (const line of lines(readText(`${ctx.paths.proc}/stat`))) {
      if (!line.startsWith("cpu") || !isDigits(line, 3, line.indexOf(" "))) continue;
      const f = fields(line);
      const id = Number(f[0].slice(3));
      seen.add(id);
      writeCpu(w, stateOf(cpus, id), f);
    }
    for (const id of cpus.keys()) if (!seen.has(id)) cpus.delete(id);
    this.writeIsolated(w, ctx.paths.sys);
    writeThermalThrottles(w, ctx.paths.sys);
  }

  private statesFor(proc: string): Map<number, CpuState> {
    let cpus = this.states.get(proc);
    if (!cpus) {
      cpus = new Map();
      this.states.set(proc, cpus);
    }
    return cpus;
  }

  /** node_exporter reads the isolated CPU list once, when the collector starts. */
  private writeIsolated(w: MetricWriter, sys: string): void {
    let ids = this.isolated.get(sys);
    if (!ids) {
      ids = parseCpuList(readTextIfExists(`${sys}/devices/system/cpu/isolated`) ?? "");
      this.isolated.set(sys, ids);
    }
    if (ids.length === 0) return;
    w.family(
      "node_cpu_isolated",
      "gauge",
      "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.",
    );
    for (const id of ids) w.sample("node_cpu_isolated", ["cpu", String(id)], 1);
  }
}

function stateOf(cpus: Map<number, CpuState>, id: number): CpuState {
  let s = cpus.get(id);
  if (!s) {
    const cpu = String(id);
    s = {
      last: new Float64Array(COLUMNS),
      labels: MODES.map((mode) => ["cpu", cpu, "mode", mode]),
      guestLabels: GUEST_MODES.map((mode) => ["cpu", cpu, "mode", mode]),
    };
    cpus.set(id, s);
  }
  return s;
}

/** Updates one CPU's counters from its /proc/stat fields and writes them. */
function writeCpu(w: MetricWriter, s: CpuState, f: string[]): void {
  const last = s.last;
  // Older kernels have fewer columns; the missing ones read as 0, as in procfs.
  const n = Math.min(COLUMNS, f.length - 1);
  const idle = n > IDLE ? parseNumber(f[IDLE + 1], "/proc/stat") / USER_HZ : 0;
  if (last[IDLE] - idle >= JUMP_BACK_SECONDS) last.fill(0);
  for (let i = 0; i < n; i++) {
    const v = parseNumber(f[i + 1], "/proc/stat") / USER_HZ;
    if (v >= last[i]) last[i] = v;
  }
  for (let i = 0; i < MODES.length; i++) w.sample("node_cpu_seconds_total", s.labels[i], last[i]);
  for (let i = 0; i < GUEST_MODES.length; i++) {
    w.sample("node_cpu_guest_seconds_total", s.guestLabels[i], last[MODES.length + i]);
  }
}

/** Parses a sysfs CPU list (`0-3,8,10-11`) into CPU numbers. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(",")) {
    if (part === "") continue;
    const dash = part.indexOf("-");
    const from = parseNumber(dash < 0 ? part : part.slice(0, dash), "CPU list");
    const to = dash < 0 ? from : parseNumber(part.slice(dash + 1), "CPU list");
    for (let id = from; id <= to; id++) out.push(id);
  }
  return out;
}
