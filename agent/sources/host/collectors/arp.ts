import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, lines, readText } from "../read.ts";

/** Column of /proc/net/arp holding the interface name. */
const DEVICE = 5;

/**
 * node_exporter's `arp` collector: the number of neighbour table entries per interface, from
 * /proc/net/arp (a header line, then one line per entry).
 */
export const arpCollector: HostCollector = {
  name: "arp",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/net/arp`;
    const counts = new Map<string, number>();
    const all = lines(readText(path));
    for (let i = 1; i < all.length; i++) {
      const f = fields(all[i]);
      if (f.length <= DEVICE) throw new SyntaxError(`Cannot parse ${path}: line ${i + 1} is short`);
      counts.set(f[DEVICE], (counts.get(f[DEVICE]) ?? 0) + 1);
    }
    w.family("node_arp_entries", "gauge", "ARP entries by device");
    for (const [device, n] of counts) w.sample("node_arp_entries", ["device", device], n);
  },
};
