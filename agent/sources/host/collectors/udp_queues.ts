import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { readTextIfExists } from "../read.ts";
import { sumSocketTable } from "./socket_table.ts";

const NAME = "node_udp_queues";

/**
 * node_exporter's `udp_queues` collector: bytes queued in the kernel for UDP sockets, send
 * (`tx`) and receive (`rx`), summed over /proc/net/udp and /proc/net/udp6. A missing file (no
 * IPv6) is skipped; with neither there is no data.
 */
export const udpQueuesCollector: HostCollector = {
  name: "udp_queues",
  collect(w: MetricWriter, ctx: CollectContext): void {
    let found = false;
    for (const [ip, file] of [
      ["v4", "udp"],
      ["v6", "udp6"],
    ]) {
      const path = `${ctx.paths.proc}/net/${file}`;
      const text = readTextIfExists(path);
      if (text === null) continue;
      const sum = sumSocketTable(text, path);
      if (!found)
        w.family(
          NAME,
          "gauge",
          "Number of allocated memory in the kernel for UDP datagrams in bytes.",
        );
      found = true;
      w.sample(NAME, ["ip", ip, "queue", "tx"], sum.txQueue);
      w.sample(NAME, ["ip", ip, "queue", "rx"], sum.rxQueue);
    }
    if (!found) throw new NoDataError("Cannot read UDP queues: /proc/net/udp and udp6 are missing");
  },
};
