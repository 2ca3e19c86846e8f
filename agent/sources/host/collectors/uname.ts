import { hostname, machine, release, type, version } from "node:os";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { readTextIfExists } from "../read.ts";

/**
 * node_exporter's `uname` collector: the uname(2) fields as labels of a constant 1. They come
 * from the uname system call (through node:os) as in node_exporter, whatever procfs points at;
 * only the NIS domain name, which node:os lacks, is read from /proc/sys/kernel/domainname.
 */
export const unameCollector: HostCollector = {
  name: "uname",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const domain = readTextIfExists(`${ctx.paths.proc}/sys/kernel/domainname`)?.trim() ?? "(none)";
    w.family(
      "node_uname_info",
      "gauge",
      "Labeled system information as provided by the uname system call.",
    );
    const labels = [
      ["sysname", type()],
      ["release", release()],
      ["version", version()],
      ["machine", machine()],
      ["nodename", hostname()],
      ["domainname", domain],
    ].flat();
    w.sample("node_uname_info", labels, 1);
  },
};
