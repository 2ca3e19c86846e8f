import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, parseNumber, readText } from "../read.ts";

const NO_LABELS: string[] = [];

/**
 * node_exporter's `filefd` collector: allocated and maximum file handles from
 * /proc/sys/fs/file-nr (its middle field, always 0 since Linux 2.6, is not reported).
 */
export const filefdCollector: HostCollector = {
  name: "filefd",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const f = fields(readText(`${ctx.paths.proc}/sys/fs/file-nr`).trim());
    if (f.length < 3)
      throw new SyntaxError("Cannot parse /proc/sys/fs/file-nr: fewer than 3 fields");
    w.family("node_filefd_allocated", "gauge", "File descriptor statistics: allocated.");
    w.sample("node_filefd_allocated", NO_LABELS, parseNumber(f[0], "file-nr"));
    w.family("node_filefd_maximum", "gauge", "File descriptor statistics: maximum.");
    w.sample("node_filefd_maximum", NO_LABELS, parseNumber(f[2], "file-nr"));
  },
};
