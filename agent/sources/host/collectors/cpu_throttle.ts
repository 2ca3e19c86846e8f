import { existsSync, readdirSync } from "node:fs";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { isDigits, isNotFound, readUint } from "../read.ts";

/**
 * Thermal throttle counters of node_exporter's cpu collector, from
 * /sys/devices/system/cpu/cpu<N>/thermal_throttle (x86 with the therm_throt driver). Cores are
 * counted once per (package, core) and packages once, whichever CPU of them comes first; CPUs
 * without topology or throttle files are skipped, so most VMs write nothing here.
 */
export function writeThermalThrottles(w: MetricWriter, sys: string): void {
  const base = `${sys}/devices/system/cpu`;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const packages = new Map<number, number>();
  const cores = new Map<string, number>();
  for (const name of names) {
    if (!name.startsWith("cpu") || !isDigits(name, 3, name.length)) continue;
    const dir = `${base}/${name}`;
    // Checked first so that hosts without the driver cost one stat per CPU.
    if (!existsSync(`${dir}/thermal_throttle`)) continue;
    const pkg = readOptional(`${dir}/topology/physical_package_id`);
    const core = readOptional(`${dir}/topology/core_id`);
    if (pkg === null || core === null) continue;
    const key = `${pkg}\xff${core}`;
    if (!cores.has(key)) {
      const n = readOptional(`${dir}/thermal_throttle/core_throttle_count`);
      if (n !== null) cores.set(key, n);
    }
    if (!packages.has(pkg)) {
      const n = readOptional(`${dir}/thermal_throttle/package_throttle_count`);
      if (n !== null) packages.set(pkg, n);
    }
  }
  if (packages.size > 0) {
    w.family(
      "node_cpu_package_throttles_total",
      "counter",
      "Number of times this CPU package has been throttled.",
    );
  }
  for (const [pkg, n] of packages) {
    w.sample("node_cpu_package_throttles_total", ["package", String(pkg)], n);
  }
  if (cores.size > 0) {
    w.family(
      "node_cpu_core_throttles_total",
      "counter",
      "Number of times this CPU core has been throttled.",
    );
  }
  for (const [key, n] of cores) {
    const [pkg, core] = key.split("\xff");
    w.sample("node_cpu_core_throttles_total", ["core", core, "package", pkg], n);
  }
}

/** node_exporter skips (with a debug log) any of these files it cannot read. */
function readOptional(path: string): number | null {
  try {
    return readUint(path);
  } catch {
    return null;
  }
}
