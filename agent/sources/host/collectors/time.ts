import { readdirSync } from "node:fs";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, isDigits, isNotFound, readText } from "../read.ts";
import { localZone } from "../timezone.ts";

const NO_LABELS: string[] = [];

/**
 * node_exporter's `time` collector: the system clock, the local zone's offset labelled with
 * its abbreviation, and the kernel's available and current clocksources from sysfs (`device`
 * is the clocksource's position in the sorted directory listing, as in node_exporter).
 */
export const timeCollector: HostCollector = {
  name: "time",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const now = Date.now();
    w.family("node_time_seconds", "gauge", "System time in seconds since epoch (1970).");
    w.sample("node_time_seconds", NO_LABELS, now / 1000);
    const zone = localZone(now);
    w.family("node_time_zone_offset_seconds", "gauge", "System time zone offset in seconds.");
    w.sample("node_time_zone_offset_seconds", ["time_zone", zone.name], zone.offset);
    writeClocksources(w, `${ctx.paths.sys}/devices/system/clocksource`);
  },
};

function writeClocksources(w: MetricWriter, dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  // node_exporter globs `clocksource[0-9]*`, which Go returns sorted.
  names = names.filter((n) => n.startsWith("clocksource") && isDigits(n, 11, 12)).sort();
  if (names.length === 0) return;
  w.family(
    "node_time_clocksource_available_info",
    "gauge",
    "Available clocksources read from '/sys/devices/system/clocksource'.",
  );
  w.family(
    "node_time_clocksource_current_info",
    "gauge",
    "Current clocksource read from '/sys/devices/system/clocksource'.",
  );
  names.forEach((name, i) => {
    const device = String(i);
    const available = fields(readText(`${dir}/${name}/available_clocksource`).trim());
    const current = readText(`${dir}/${name}/current_clocksource`).trim();
    for (const cs of available) {
      w.sample("node_time_clocksource_available_info", ["device", device, "clocksource", cs], 1);
    }
    w.sample("node_time_clocksource_current_info", ["device", device, "clocksource", current], 1);
  });
}
