import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { fields, isNotFound, lines, readText, readUint } from "../read.ts";

/**
 * Columns of /proc/net/stat/nf_conntrack node_exporter sums over CPUs: column index (the
 * header's names changed across kernels, the positions did not), metric suffix, HELP.
 */
const STAT_COLUMNS = [
  [2, "found", "Number of searched entries which were successful."],
  [4, "invalid", "Number of packets seen which can not be tracked."],
  [5, "ignore", "Number of packets seen which are already connected to a conntrack entry."],
  [8, "insert", "Number of entries inserted into the list."],
  [9, "insert_failed", "Number of entries for which list insertion was attempted but failed."],
  [10, "drop", "Number of packets dropped due to conntrack failure."],
  [
    11,
    "early_drop",
    "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.",
  ],
  [
    16,
    "search_restart",
    "Number of conntrack table lookups which had to be restarted due to hashtable resizes.",
  ],
] as const;
const STAT_FIELDS = 17;
const STAT_METRICS = STAT_COLUMNS.map(([, suffix]) => `node_nf_conntrack_stat_${suffix}`);

const NO_LABELS: string[] = [];

/**
 * node_exporter's `conntrack` collector: table size and limit from /proc/sys/net/netfilter and
 * per-CPU statistics summed from /proc/net/stat/nf_conntrack, all as gauges (node_exporter's
 * types). Without the nf_conntrack module the files are missing: no data, not an error.
 */
export const conntrackCollector: HostCollector = {
  name: "conntrack",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const dir = `${ctx.paths.proc}/sys/net/netfilter`;
    const entries = read(() => readUint(`${dir}/nf_conntrack_count`));
    w.family(
      "node_nf_conntrack_entries",
      "gauge",
      "Number of currently allocated flow entries for connection tracking.",
    );
    w.sample("node_nf_conntrack_entries", NO_LABELS, entries);
    const limit = read(() => readUint(`${dir}/nf_conntrack_max`));
    w.family(
      "node_nf_conntrack_entries_limit",
      "gauge",
      "Maximum size of connection tracking table.",
    );
    w.sample("node_nf_conntrack_entries_limit", NO_LABELS, limit);
    const sums = read(() => sumStats(readText(`${ctx.paths.proc}/net/stat/nf_conntrack`)));
    for (let i = 0; i < STAT_COLUMNS.length; i++) {
      w.family(STAT_METRICS[i], "gauge", STAT_COLUMNS[i][2]);
      w.sample(STAT_METRICS[i], NO_LABELS, sums[i]);
    }
  },
};

function read<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError("conntrack is not loaded: no nf_conntrack files");
    throw err;
  }
}

/** Sums the reported columns of every CPU line (hexadecimal) after the header. */
function sumStats(text: string): number[] {
  const sums = STAT_COLUMNS.map(() => 0);
  for (const line of lines(text).slice(1)) {
    const f = fields(line);
    if (f.length !== STAT_FIELDS) {
      throw new SyntaxError(`Cannot parse /proc/net/stat/nf_conntrack: ${f.length} fields, not 17`);
    }
    for (let i = 0; i < STAT_COLUMNS.length; i++) {
      const v = Number.parseInt(f[STAT_COLUMNS[i][0]], 16);
      if (Number.isNaN(v))
        throw new SyntaxError(
          `Cannot parse /proc/net/stat/nf_conntrack: "${f[STAT_COLUMNS[i][0]]}" is not hexadecimal`,
        );
      sums[i] += v;
    }
  }
  return sums;
}
