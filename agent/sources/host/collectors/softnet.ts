import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, lines, readText } from "../read.ts";

/**
 * Columns of /proc/net/softnet_stat written as counters: column, metric, HELP. The first three
 * are node_exporter 1.5's; received_rps and flow_limit_count are node_exporter 1.6's (same
 * names and HELP), added because Node Exporter Full's "Softnet RPS" panel reads them.
 */
const COLUMNS = [
  [0, "node_softnet_processed_total", "Number of processed packets"],
  [1, "node_softnet_dropped_total", "Number of dropped packets"],
  [2, "node_softnet_times_squeezed_total", "Number of times processing packets ran out of quota"],
  [9, "node_softnet_received_rps_total", "Number of times cpu woken up received_rps"],
  [10, "node_softnet_flow_limit_count_total", "Number of times flow limit has been reached"],
] as const;

/** The families above that node_exporter 1.5.0 (Debian's) lacks: tests comparing with it skip them. */
export const NEWER_THAN_1_5: ReadonlySet<string> = new Set([
  "node_softnet_received_rps_total",
  "node_softnet_flow_limit_count_total",
]);

/**
 * node_exporter's `softnet` collector: per-CPU packet processing counters of
 * /proc/net/softnet_stat (hexadecimal, one line per online CPU; `cpu` is the line's index, as
 * node_exporter 1.5 labels it). Older kernels print fewer columns: the missing ones are skipped.
 */
export const softnetCollector: HostCollector = {
  name: "softnet",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/net/softnet_stat`;
    const rows = lines(readText(path)).map((line, i) => {
      const f = fields(line);
      if (f.length < 3) throw new SyntaxError(`Cannot parse ${path}: line ${i + 1} is too short`);
      return f;
    });
    for (const [column, name, help] of COLUMNS) {
      if (!rows.every((f) => f.length > column)) continue;
      w.family(name, "counter", help);
      rows.forEach((f, cpu) => {
        w.sample(name, ["cpu", String(cpu)], parseHex(f[column], path));
      });
    }
  },
};

/** A 32-bit hexadecimal counter of /proc/net. */
export function parseHex(text: string, path: string): number {
  const n = Number.parseInt(text, 16);
  if (!/^[0-9a-fA-F]+$/.test(text)) {
    throw new SyntaxError(`Cannot parse ${path}: "${text}" is not a hexadecimal number`);
  }
  return n;
}
