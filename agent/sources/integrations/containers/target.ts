/** The containers integration as detection and the config see it: one target per host. */
import { existsSync } from "node:fs";
import type { DetectedService } from "../detect/detect.ts";
import type { RunnerTarget } from "../runner.ts";
import { cgroupLayout, containerCgroups } from "./cgroupfs.ts";
import { ContainersCollector } from "./collector.ts";
import { type ContainersConfig, compileCgroups } from "./config.ts";

/** The key of the host's one containers target. */
export const CONTAINERS_KEY = "containers";

/** The containers "service" when `collect: auto` and the host runs containers, else none. */
export function detectContainers(c: ContainersConfig): DetectedService[] {
  if (c.collect !== "auto") return [];
  const layout = cgroupLayout(c.cgroupfs);
  if (layout === null) return [];
  const runtime = c.sockets.some((s) => existsSync(s));
  if (!runtime && containerCgroups(layout, compileCgroups(c.cgroups), 2).found < 2) return [];
  return [
    {
      kind: "containers",
      key: CONTAINERS_KEY,
      how: "socket",
      pid: 0,
      address: c.cgroupfs,
      port: 0,
    },
  ];
}

/** The runner target reading the cgroup tree under `c`. */
export function containersTarget(
  c: ContainersConfig,
  procfs: string,
  how: RunnerTarget["how"],
): RunnerTarget {
  const collector = new ContainersCollector({
    cgroupfs: c.cgroupfs,
    procfs,
    sysfs: c.sysfs,
    include: compileCgroups(c.cgroups),
    max: c.max_containers,
    sockets: c.sockets,
  });
  return { key: CONTAINERS_KEY, address: c.cgroupfs, how, pid: 0, collector };
}
