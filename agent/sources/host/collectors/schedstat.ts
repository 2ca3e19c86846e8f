import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { fields, lines, parseNumber, readTextIfExists } from "../read.ts";

/** Fields of a `cpuN` line of /proc/schedstat (after the name) written as counters. */
const FIELDS = [
  [
    7,
    "node_schedstat_running_seconds_total",
    "Number of seconds CPU spent running a process.",
    1e9,
  ],
  [
    8,
    "node_schedstat_waiting_seconds_total",
    "Number of seconds spent by processing waiting for this CPU.",
    1e9,
  ],
  [9, "node_schedstat_timeslices_total", "Number of timeslices executed by CPU.", 1],
] as const;

/**
 * node_exporter's `schedstat` collector: per-CPU time running and waiting to run (ns in the
 * file) and timeslices, from /proc/schedstat. Kernels built without CONFIG_SCHEDSTATS have no
 * such file: no data, not an error, as in node_exporter.
 */
export const schedstatCollector: HostCollector = {
  name: "schedstat",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/schedstat`;
    const text = readTextIfExists(path);
    if (text === null)
      throw new NoDataError("Cannot read scheduler statistics: no /proc/schedstat");
    const cpus: string[][] = [];
    for (const line of lines(text)) {
      if (!line.startsWith("cpu")) continue;
      const f = fields(line);
      if (f.length < 10)
        throw new SyntaxError(`Cannot parse ${path}: "${f[0]}" has too few fields`);
      cpus.push(f);
    }
    for (const [at, name, help, scale] of FIELDS) {
      w.family(name, "counter", help);
      for (const f of cpus)
        w.sample(name, ["cpu", f[0].slice(3)], parseNumber(f[at], path) / scale);
    }
  },
};
