import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { readUint } from "../read.ts";

const NO_LABELS: string[] = [];

/** node_exporter's `entropy` collector: available entropy and pool size from /proc/sys/kernel/random. */
export const entropyCollector: HostCollector = {
  name: "entropy",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const dir = `${ctx.paths.proc}/sys/kernel/random`;
    w.family("node_entropy_available_bits", "gauge", "Bits of available entropy.");
    w.sample("node_entropy_available_bits", NO_LABELS, readUint(`${dir}/entropy_avail`));
    w.family("node_entropy_pool_size_bits", "gauge", "Bits of entropy pool.");
    w.sample("node_entropy_pool_size_bits", NO_LABELS, readUint(`${dir}/poolsize`));
  },
};
