import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, isDigits, lines, readText } from "../read.ts";

/** /proc/net/dev's columns after the device name, in file order. */
const COLUMNS = [
  "receive_bytes",
  "receive_packets",
  "receive_errs",
  "receive_drop",
  "receive_fifo",
  "receive_frame",
  "receive_compressed",
  "receive_multicast",
  "transmit_bytes",
  "transmit_packets",
  "transmit_errs",
  "transmit_drop",
  "transmit_fifo",
  "transmit_colls",
  "transmit_carrier",
  "transmit_compressed",
];
const NAMES = COLUMNS.map((c) => `node_network_${c}_total`);
const NOHANDLER = "node_network_receive_nohandler_total";
/** The two header lines of /proc/net/dev. */
const HEADER_LINES = 2;

/**
 * node_exporter's `netdev` collector: traffic counters per network device.
 *
 * node_exporter 1.5.0 reads them over netlink and renames them to the /proc/net/dev column
 * names, summing the detailed error counters as the kernel does for that file; so
 * /proc/net/dev gives the same values, and the one counter it lacks, receive_nohandler,
 * comes from sysfs.
 */
export const netdevCollector: HostCollector = {
  name: "netdev",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/net/dev`;
    for (let i = 0; i < COLUMNS.length; i++) {
      w.family(NAMES[i], "counter", `Network device statistic ${COLUMNS[i]}.`);
    }
    w.family(NOHANDLER, "counter", "Network device statistic receive_nohandler.");
    const all = lines(readNetDev(path));
    for (let n = HEADER_LINES; n < all.length; n++) {
      const line = all[n];
      // Names may hold colons (aliases); the last one ends the name.
      const colon = line.lastIndexOf(":");
      if (colon < 0) throw new SyntaxError(`Cannot parse ${path}: no colon in "${line}"`);
      const device = line.slice(0, colon).trim();
      if (ctx.filters.netDevicesExclude.test(device)) continue;
      writeDevice(w, device, fields(line.slice(colon + 1)), path);
      w.sample(NOHANDLER, ["device", device], readNoHandler(ctx.paths.sys, device));
    }
  },
};

function readNetDev(path: string): string {
  try {
    return readText(path);
  } catch (err) {
    throw new Error(`Cannot read network device statistics: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function writeDevice(w: MetricWriter, device: string, f: string[], path: string): void {
  if (f.length < COLUMNS.length) {
    throw new SyntaxError(`Cannot parse ${path}: ${device} has ${f.length} columns, not 16`);
  }
  const labels = ["device", device];
  for (let i = 0; i < COLUMNS.length; i++) {
    const text = f[i];
    if (!isDigits(text, 0, text.length)) {
      throw new SyntaxError(`Cannot parse ${path}: "${text}" of ${device} is not a number`);
    }
    w.sample(NAMES[i], labels, Number(text));
  }
}

/** Packets dropped for want of a protocol handler; 0 where sysfs lacks it, as netlink reports. */
function readNoHandler(sys: string, device: string): number {
  try {
    const text = readText(`${sys}/class/net/${device}/statistics/rx_nohandler`).trim();
    return isDigits(text, 0, text.length) ? Number(text) : 0;
  } catch {
    return 0;
  }
}
