/**
 * What the cgroup files do not hold: a container's network counters (from a process in it,
 * when it has a network namespace of its own), block device names and start times.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { readTextIfExists } from "../../host/read.ts";
import type { InterfaceStats } from "./write.ts";

/** The first process of cgroup `path`, 0 when it has none. */
export function firstPid(walkRoot: string, path: string): number {
  const text = readTextIfExists(join(walkRoot, path, "cgroup.procs")) ?? "";
  const pid = Number.parseInt(text, 10);
  return Number.isFinite(pid) ? pid : 0;
}

/** The network namespace of `pid` (`net:[4026531992]`), "" when unreadable. */
export function netns(procfs: string, pid: number | "self"): string {
  try {
    return readlinkSync(join(procfs, String(pid), "ns/net"));
  } catch {
    return "";
  }
}

/** /proc/<pid>/net/dev's interfaces with their eight rx/tx counters; `lo` included, as cAdvisor. */
export function parseNetDev(text: string): InterfaceStats[] {
  const out: InterfaceStats[] = [];
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const cols = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (cols.length < 16 || cols.some((n) => !Number.isFinite(n))) continue;
    const c = [cols[0], cols[1], cols[2], cols[3], cols[8], cols[9], cols[10], cols[11]];
    out.push({ name: line.slice(0, colon).trim(), counters: c });
  }
  return out;
}

/** A process's interfaces, [] when it is gone. */
export function readNetwork(procfs: string, pid: number): InterfaceStats[] {
  const text = readTextIfExists(join(procfs, String(pid), "net/dev"));
  return text === null ? [] : parseNetDev(text);
}

/** `major:minor` → `/dev/<name>` of the host's block devices (/sys/dev/block). */
export function blockDevices(sysfs: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(join(sysfs, "dev/block"));
  } catch {
    return out;
  }
  for (const id of names) {
    try {
      const uevent = readFileSync(join(sysfs, "dev/block", id, "uevent"), "latin1");
      const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
      if (name) out.set(id, `/dev/${name}`);
    } catch {
      // a device removed while listing
    }
  }
  return out;
}

/** A cgroup folder's creation time in seconds: cAdvisor's start time for raw cgroups. */
export function startTime(dir: string): number {
  try {
    const st = statSync(dir);
    return (st.birthtimeMs > 0 ? st.birthtimeMs : st.ctimeMs) / 1000;
  } catch {
    return 0;
  }
}
