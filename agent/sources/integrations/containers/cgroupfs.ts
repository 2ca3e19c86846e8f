/**
 * Finding cgroups: which hierarchy layout the host has (v2 unified, or v1 with a mount per
 * controller, as this project's test machines have), and which cgroups are containers.
 */
import { type Dirent, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Regex } from "../../../../shared/regex/regex.ts";
import type { CgroupLayout } from "./stats.ts";

/** The v1 controllers whose files cAdvisor reads. */
const V1_CONTROLLERS = ["cpu", "cpuacct", "memory", "blkio", "pids"] as const;
/** How deep and how many folders the walk visits: a host with more is cut, not stalled. */
const MAX_DEPTH = 8;
const MAX_DIRS = 20_000;

/**
 * cAdvisor's container cgroups by runtime: Docker (cgroupfs and systemd drivers), Podman,
 * containerd, LXC, systemd-nspawn machines and Kubernetes pods. Anchored, RE2.
 */
export const DEFAULT_CONTAINER_CGROUPS =
  "/(docker/[0-9a-f]{12,}|system\\.slice/docker-[0-9a-f]{12,}\\.scope|machine\\.slice/libpod-[0-9a-f]{12,}\\.scope|libpod_parent/libpod-[0-9a-f]{12,}|system\\.slice/containerd\\.service/[^/]+|lxc(\\.payload)?[./][^/]+|machine\\.slice/machine-[^/]+\\.scope|kubepods[^/]*(/[^/]+){1,2})";

/** The host's cgroup layout under `root` (`/sys/fs/cgroup`), or null when none is mounted. */
export function cgroupLayout(root: string): CgroupLayout | null {
  if (existsSync(join(root, "cgroup.controllers")))
    return { version: 2, root, controllers: new Map() };
  const controllers = new Map<string, string>();
  for (const c of V1_CONTROLLERS) {
    const dir = join(root, c);
    if (existsSync(join(dir, "cgroup.procs"))) controllers.set(c, dir);
  }
  if (controllers.size === 0) return null;
  return { version: 1, root, controllers };
}

/** The folder whose tree lists the cgroups: v2's root, v1's memory or cpuacct hierarchy. */
export function walkRoot(layout: CgroupLayout): string {
  if (layout.version === 2) return layout.root;
  return layout.controllers.get("memory") ?? layout.controllers.get("cpuacct") ?? layout.root;
}

/** Every cgroup path (`/a/b`) below `dir`, breadth first, bounded in depth and count. */
export function listCgroups(dir: string): string[] {
  const out: string[] = [];
  let level = [""];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries: Dirent[];
      try {
        entries = readdirSync(join(dir, rel), { withFileTypes: true });
      } catch {
        continue; // removed while walking
      }
      for (const entry of entries) {
        // The folders are the cgroups; the many files beside them are not stat'ed.
        if (!entry.isDirectory()) continue;
        const child = `${rel}/${entry.name}`;
        out.push(child);
        next.push(child);
        if (out.length >= MAX_DIRS) return out;
      }
    }
    level = next;
  }
  return out;
}

/**
 * The container cgroups, sorted, `/` (the host, as cAdvisor reports it) first, at most `max`;
 * `found` is how many matched, so a cut can be said.
 */
export function containerCgroups(
  layout: CgroupLayout,
  include: Regex,
  max: number,
): { paths: string[]; found: number } {
  const found = listCgroups(walkRoot(layout))
    .filter((p) => include.test(p))
    .sort();
  return { paths: ["/", ...found.slice(0, Math.max(0, max - 1))], found: found.length + 1 };
}

/** The 64-hex container id in a cgroup path (Docker, Podman, containerd), or "". */
export function containerId(path: string): string {
  const m = /([0-9a-f]{64})(\.scope)?$/.exec(path);
  return m ? m[1] : "";
}
