import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, parseNumber, readText } from "../read.ts";

const WINDOWS = [
  ["node_load1", "1m load average."],
  ["node_load5", "5m load average."],
  ["node_load15", "15m load average."],
] as const;

const NO_LABELS: string[] = [];

/** node_exporter's `loadavg` collector: the 1, 5 and 15 minute load averages from /proc/loadavg. */
export const loadavgCollector: HostCollector = {
  name: "loadavg",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const f = fields(readText(`${ctx.paths.proc}/loadavg`).trim());
    if (f.length < 3) throw new SyntaxError("Cannot parse /proc/loadavg: fewer than 3 fields");
    for (let i = 0; i < WINDOWS.length; i++) {
      const [metric, help] = WINDOWS[i];
      w.family(metric, "gauge", help);
      w.sample(metric, NO_LABELS, parseNumber(f[i], "/proc/loadavg"));
    }
  },
};
