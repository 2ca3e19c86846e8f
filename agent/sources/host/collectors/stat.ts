import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { lines, parseNumber, readText } from "../read.ts";

/** A /proc/stat line node_exporter turns into a metric: key, metric, type, HELP. */
type StatLine = readonly [key: string, metric: string, type: MetricType, help: string];

const STAT_LINES: readonly StatLine[] = [
  ["intr", "node_intr_total", "counter", "Total number of interrupts serviced."],
  ["ctxt", "node_context_switches_total", "counter", "Total number of context switches."],
  ["processes", "node_forks_total", "counter", "Total number of forks."],
  ["btime", "node_boot_time_seconds", "gauge", "Node boot time, in unixtime."],
  ["procs_running", "node_procs_running", "gauge", "Number of processes in runnable state."],
  [
    "procs_blocked",
    "node_procs_blocked",
    "gauge",
    "Number of processes blocked waiting for I/O to complete.",
  ],
];

const NO_LABELS: string[] = [];

/**
 * node_exporter's `stat` collector with its defaults (no per-vector softirqs): interrupts,
 * context switches, forks, boot time and running/blocked processes from /proc/stat. `intr`
 * contributes its first number, the total.
 */
export const statCollector: HostCollector = {
  name: "stat",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const values = new Map<string, number>();
    for (const line of lines(readText(`${ctx.paths.proc}/stat`))) {
      const space = line.indexOf(" ");
      if (space < 0) continue;
      const key = line.slice(0, space);
      if (!STAT_LINES.some((s) => s[0] === key)) continue;
      let end = line.indexOf(" ", space + 1);
      if (end < 0) end = line.length;
      values.set(key, parseNumber(line.slice(space + 1, end), `/proc/stat ${key}`));
    }
    for (const [key, metric, type, help] of STAT_LINES) {
      w.family(metric, type, help);
      // A line this kernel does not have reads as 0, as in node_exporter.
      w.sample(metric, NO_LABELS, values.get(key) ?? 0);
    }
  },
};
