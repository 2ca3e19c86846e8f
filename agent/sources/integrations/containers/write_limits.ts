/**
 * cAdvisor's `container_spec_*` families, and its rule that the CFS throttling counters are
 * written only for a cgroup with a CPU quota (without one the kernel counts no periods that
 * mean anything, and cAdvisor leaves them out).
 */
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CgroupSpec } from "./spec.ts";
import type { CgroupStats } from "./stats.ts";

type Family = readonly [name: string, type: MetricType, help: string];

/** Spec families and where the value comes from; each is written when its figure was read. */
const SPEC: readonly [Family, (s: CgroupSpec) => number | undefined][] = [
  [["container_spec_cpu_period", "gauge", "CPU period of the container."], (s) => s.cpuPeriod],
  // cAdvisor writes the quota only when there is one.
  [
    ["container_spec_cpu_quota", "gauge", "CPU quota of the container."],
    (s) => (s.cpuQuota ? s.cpuQuota : undefined),
  ],
  [["container_spec_cpu_shares", "gauge", "CPU share of the container."], (s) => s.cpuShares],
  [
    ["container_spec_memory_limit_bytes", "gauge", "Memory limit for the container."],
    (s) => s.memoryLimit,
  ],
  [
    ["container_spec_memory_swap_limit_bytes", "gauge", "Memory swap limit for the container."],
    (s) => s.memorySwapLimit,
  ],
  [
    [
      "container_spec_memory_reservation_limit_bytes",
      "gauge",
      "Memory reservation limit for the container.",
    ],
    (s) => s.memoryReservation,
  ],
];

const CFS: readonly [Family, (s: CgroupStats) => number | undefined][] = [
  [
    [
      "container_cpu_cfs_periods_total",
      "counter",
      "Number of elapsed enforcement period intervals.",
    ],
    (s) => s.cfsPeriods,
  ],
  [
    [
      "container_cpu_cfs_throttled_periods_total",
      "counter",
      "Number of throttled period intervals.",
    ],
    (s) => s.cfsThrottledPeriods,
  ],
  [
    [
      "container_cpu_cfs_throttled_seconds_total",
      "counter",
      "Total time duration the container has been throttled.",
    ],
    (s) => s.cfsThrottledSeconds,
  ],
];

/** Every family this file writes, for declaring them once per collection. */
export const SPEC_FAMILIES: readonly Family[] = [...SPEC, ...CFS].map(([f]) => f);

/** Writes one cgroup's spec figures and, when it has a CPU quota, its CFS counters. */
export function writeSpec(
  w: MetricWriter,
  labels: readonly string[],
  spec: CgroupSpec,
  stats: CgroupStats,
): void {
  for (const [[name], get] of SPEC) {
    const v = get(spec);
    if (v !== undefined) w.sample(name, labels, v);
  }
  if (!spec.cpuQuota) return;
  for (const [[name], get] of CFS) {
    const v = get(stats);
    if (v !== undefined) w.sample(name, labels, v);
  }
}
