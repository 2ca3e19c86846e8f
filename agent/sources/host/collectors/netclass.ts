import { readdirSync } from "node:fs";
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { isDigits, isNotFound, readText } from "../read.ts";

/** A numeric sysfs attribute: file name, metric suffix, type. HELP names the suffix. */
type Property = readonly [file: string, suffix: string, type: MetricType];

/** The numeric attributes node_exporter 1.5.0 writes, except speed (scaled, below). */
const PROPERTIES: readonly Property[] = [
  ["addr_assign_type", "address_assign_type", "gauge"],
  ["carrier", "carrier", "gauge"],
  ["carrier_changes", "carrier_changes_total", "counter"],
  ["carrier_up_count", "carrier_up_changes_total", "counter"],
  ["carrier_down_count", "carrier_down_changes_total", "counter"],
  ["dev_id", "device_id", "gauge"],
  ["dormant", "dormant", "gauge"],
  ["flags", "flags", "gauge"],
  ["ifindex", "iface_id", "gauge"],
  ["iflink", "iface_link", "gauge"],
  ["link_mode", "iface_link_mode", "gauge"],
  ["mtu", "mtu_bytes", "gauge"],
  ["name_assign_type", "name_assign_type", "gauge"],
  ["netdev_group", "net_dev_group", "gauge"],
  ["tx_queue_len", "transmit_queue_length", "gauge"],
  ["type", "protocol_type", "gauge"],
];
const NAMES = PROPERTIES.map(([, suffix]) => `node_network_${suffix}`);
const SPEED = "node_network_speed_bytes";
/** sysfs `speed` is in Mbit/s. */
const BYTES_PER_MBIT = 125_000;
/** Read errors that mean "this device has no such attribute", which procfs skips. */
const ABSENT = new Set(["ENOENT", "EACCES", "EPERM", "EOPNOTSUPP", "EINVAL", "ENOTSUP"]);

/**
 * node_exporter's `netclass` collector: each network device's sysfs attributes
 * (/sys/class/net/<device>/*) as node_network_* gauges, plus node_network_up and
 * node_network_info. Like 1.5.0 by default it covers every device, loopback included (its
 * own ignore flag defaults to none), and skips attributes a device cannot report (the kernel
 * answers EINVAL for the carrier of a device that is down); one it cannot parse reads as 0.
 */
export const netclassCollector: HostCollector = {
  name: "netclass",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const dir = `${ctx.paths.sys}/class/net`;
    const devices = listDevices(dir);
    w.family("node_network_up", "gauge", "Value is 1 if operstate is 'up', 0 otherwise.");
    w.family(
      "node_network_info",
      "gauge",
      "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
    );
    for (let i = 0; i < PROPERTIES.length; i++) {
      const [, suffix, type] = PROPERTIES[i];
      w.family(NAMES[i], type, `Network device property: ${suffix}`);
    }
    w.family(SPEED, "gauge", "Network device property: speed_bytes");
    for (const device of devices) writeDevice(w, `${dir}/${device}`, device);
  },
};

/** Device names: the links in /sys/class/net (bonding_masters is a file, not a device). */
function listDevices(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.isFile())
      .map((e) => e.name);
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === "EACCES") {
      throw new NoDataError(`Cannot list network devices: ${dir} is not readable`);
    }
    throw err;
  }
}

function writeDevice(w: MetricWriter, path: string, device: string): void {
  const labels = ["device", device];
  const operstate = readAttribute(path, "operstate") ?? "";
  w.sample("node_network_up", labels, operstate === "up" ? 1 : 0);
  const info = ["device", device, "address", readAttribute(path, "address") ?? ""];
  info.push("broadcast", readAttribute(path, "broadcast") ?? "");
  info.push("duplex", readAttribute(path, "duplex") ?? "", "operstate", operstate);
  info.push("ifalias", readAttribute(path, "ifalias") ?? "");
  w.sample("node_network_info", info, 1);
  for (let i = 0; i < PROPERTIES.length; i++) {
    const text = readAttribute(path, PROPERTIES[i][0]);
    if (text !== undefined) w.sample(NAMES[i], labels, parseGoInt(text) ?? 0);
  }
  // An unknown speed reads as -1 and is written as -125000, as 1.5.0 does by default.
  const speed = readAttribute(path, "speed");
  if (speed !== undefined) w.sample(SPEED, labels, (parseGoInt(speed) ?? 0) * BYTES_PER_MBIT);
}

/** An attribute's trimmed text, or undefined when the device cannot report it. */
function readAttribute(path: string, name: string): string | undefined {
  try {
    return readText(`${path}/${name}`).trim();
  } catch (err) {
    if (ABSENT.has((err as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw new Error(`Cannot read ${path}/${name}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * An integer as Go's strconv.ParseInt(s, 0, 64) reads sysfs values: decimal, or hex after
 * `0x` (flags, dev_id); undefined for anything else (which procfs then reports as 0).
 */
export function parseGoInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // "-"
  let value: number;
  if (text.startsWith("0x", start) || text.startsWith("0X", start)) {
    if (!isHex(text, start + 2)) return undefined;
    value = Number.parseInt(text.slice(start + 2), 16);
  } else {
    if (!isDigits(text, start, text.length)) return undefined;
    value = Number(text.slice(start));
  }
  return start === 1 ? -value : value;
}

/** Whether text[start:] is a non-empty run of hex digits. */
function isHex(text: string, start: number): boolean {
  if (start >= text.length) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20; // lower case
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
