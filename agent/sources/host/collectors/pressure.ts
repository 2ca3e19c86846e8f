import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { lines, parseNumber, readTextIfExists } from "../read.ts";

/** One PSI line node_exporter reports: resource file, `some` or `full`, metric, HELP. */
const PSI = [
  [
    "cpu",
    "some",
    "node_pressure_cpu_waiting_seconds_total",
    "Total time in seconds that processes have waited for CPU time",
  ],
  [
    "io",
    "some",
    "node_pressure_io_waiting_seconds_total",
    "Total time in seconds that processes have waited due to IO congestion",
  ],
  [
    "io",
    "full",
    "node_pressure_io_stalled_seconds_total",
    "Total time in seconds no process could make progress due to IO congestion",
  ],
  [
    "memory",
    "some",
    "node_pressure_memory_waiting_seconds_total",
    "Total time in seconds that processes have waited for memory",
  ],
  [
    "memory",
    "full",
    "node_pressure_memory_stalled_seconds_total",
    "Total time in seconds no process could make progress due to memory congestion",
  ],
] as const;

const NO_LABELS: string[] = [];

/**
 * node_exporter's `pressure` collector: total stall time per resource from /proc/pressure
 * (Linux ≥ 4.20 with CONFIG_PSI), microseconds as seconds. A kernel without it is no data,
 * not an error; node_exporter 1.5 ignores the newer `full` line of cpu, and so does this.
 */
export const pressureCollector: HostCollector = {
  name: "pressure",
  collect(w: MetricWriter, ctx: CollectContext): void {
    for (const resource of ["cpu", "io", "memory"]) {
      const text = readTextIfExists(`${ctx.paths.proc}/pressure/${resource}`);
      if (text === null) {
        throw new NoDataError(
          "pressure information is unavailable: it needs Linux 4.20 or later with CONFIG_PSI",
        );
      }
      const totals = parseTotals(text);
      for (const [r, kind, metric, help] of PSI) {
        if (r !== resource) continue;
        w.family(metric, "counter", help);
        w.sample(metric, NO_LABELS, (totals.get(kind) ?? 0) / 1000 / 1000);
      }
    }
  },
};

/** `total=` of each line of a PSI file (microseconds), by its first word (`some`, `full`). */
function parseTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines(text)) {
    const at = line.indexOf("total=");
    if (at < 0) continue;
    totals.set(
      line.slice(0, line.indexOf(" ")),
      parseNumber(line.slice(at + 6).trim(), "PSI total"),
    );
  }
  return totals;
}
