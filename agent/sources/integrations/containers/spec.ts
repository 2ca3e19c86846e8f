/**
 * A cgroup's limits as cAdvisor's ContainerSpec holds them: the CPU period, quota and shares
 * and the memory limits, read from v1 controller files or the v2 unified files. What a kernel
 * or a layout lacks is left out, and its family has no sample for that cgroup, as in cAdvisor.
 */
import { join } from "node:path";
import { readTextIfExists } from "../../host/read.ts";
import type { CgroupLayout } from "./stats.ts";

/** The limits of one cgroup; 0 means "no limit" where cAdvisor reports it so. */
export interface CgroupSpec {
  /** CFS period in microseconds (`cpu.cfs_period_us`, cpu.max's second field). */
  cpuPeriod?: number;
  /** CFS quota in microseconds, 0 when unlimited (`-1`, `max`). */
  cpuQuota?: number;
  /** v1 `cpu.shares`, or v2 `cpu.weight` converted back to shares as cAdvisor does. */
  cpuShares?: number;
  memoryLimit?: number;
  /** v1 memory+swap limit (`memsw`), v2 swap alone (`memory.swap.max`), as cAdvisor reads them. */
  memorySwapLimit?: number;
  /** v1 soft limit, v2 `memory.low` (where runc writes a reservation). */
  memoryReservation?: number;
}

/** cAdvisor's cut-off: a memory limit above 2^62 is "unlimited" and reported as 0. */
const UNLIMITED = 2 ** 62;

/** Reads the limits of cgroup `path` (`/`, `/docker/<id>`) under `layout`. */
export function readSpec(layout: CgroupLayout, path: string): CgroupSpec {
  if (layout.version === 2) return readV2(join(layout.root, path));
  const at = (controller: string, file: string) => {
    const mount = layout.controllers.get(controller);
    return mount === undefined ? null : readTextIfExists(join(mount, path, file));
  };
  const spec: CgroupSpec = {};
  const shares = at("cpu", "cpu.shares");
  if (shares !== null) {
    spec.cpuShares = uint(shares) ?? 0;
    spec.cpuPeriod = uint(at("cpu", "cpu.cfs_period_us")) ?? 0;
    // `-1` is "no quota": not an unsigned number, so 0.
    spec.cpuQuota = uint(at("cpu", "cpu.cfs_quota_us")) ?? 0;
  }
  const limit = at("memory", "memory.limit_in_bytes");
  if (limit !== null) {
    spec.memoryLimit = memory(limit);
    spec.memorySwapLimit = memory(at("memory", "memory.memsw.limit_in_bytes"));
    spec.memoryReservation = memory(at("memory", "memory.soft_limit_in_bytes"));
  }
  return spec;
}

function readV2(dir: string): CgroupSpec {
  const at = (file: string) => readTextIfExists(join(dir, file));
  // cAdvisor counts every v2 cgroup as having CPU, so a cgroup without the cpu controller
  // (or the root, which has neither file) reports period and shares 0 and no quota.
  const weight = uint(at("cpu.weight"));
  const spec: CgroupSpec = { cpuShares: 0, cpuPeriod: 0, cpuQuota: 0 };
  if (weight !== undefined && weight >= 1 && weight <= 10_000)
    spec.cpuShares = weightToShares(weight);
  const max = at("cpu.max")?.trim().split(" ");
  if (max?.length === 2) {
    spec.cpuQuota = max[0] === "max" ? 0 : (uint(max[0]) ?? 0);
    spec.cpuPeriod = uint(max[1]) ?? 0;
  }
  const limit = at("memory.max");
  if (limit !== null) {
    spec.memoryLimit = memory(limit);
    spec.memorySwapLimit = memory(at("memory.swap.max"));
    spec.memoryReservation = memory(at("memory.low"));
  }
  return spec;
}

/**
 * cgroup v2's `cpu.weight` (1–10000) as v1 shares (2–262144): the inverse of the conversion
 * runc applies to `--cpu-shares`, with integer division, so the default weight 100 is 2597.
 */
export function weightToShares(weight: number): number {
  return 2 + Math.floor(((weight - 1) * 262_142) / 9_999);
}

function uint(text: string | null | undefined): number | undefined {
  const t = text?.trim() ?? "";
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** A memory limit file: `max`, absent or above 2^62 is 0 (unlimited), as cAdvisor reports. */
function memory(text: string | null): number {
  const t = text?.trim() ?? "";
  if (t === "max") return 0;
  const v = uint(t) ?? 0;
  return v > UNLIMITED ? 0 : v;
}
