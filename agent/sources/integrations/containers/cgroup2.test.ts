/**
 * The containers collector over a cgroup v2 tree written in the kernel's formats
 * (testdata/cgroup2, described in testdata/README.md): the limits cAdvisor reads into its
 * container spec, the OOM kills, and the CFS counters written only under a CPU quota.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { DEFAULT_CONTAINER_CGROUPS } from "./cgroupfs.ts";
import { ContainersCollector } from "./collector.ts";
import { compileCgroups } from "./config.ts";
import { weightToShares } from "./spec.ts";

const ROOT = join(import.meta.dir, "testdata/cgroup2");
const LIMITED = `/system.slice/docker-${"a1b2c3d4".repeat(8)}.scope`;
const FREE = `/system.slice/docker-${"5e6f7a8b".repeat(8)}.scope`;

describe("containers collector on a cgroup v2 tree", () => {
  const w = new RecordingWriter();
  const at = (name: string, id: string) => w.value(name, { id });

  beforeAll(async () => {
    const c = new ContainersCollector({
      cgroupfs: ROOT,
      procfs: join(ROOT, "no-procfs"),
      sysfs: join(ROOT, "no-sysfs"),
      include: compileCgroups(DEFAULT_CONTAINER_CGROUPS),
      max: 10,
      sockets: [],
    });
    expect(await c.collect(w, 5_000)).toEqual([]);
  });

  test("the two containers and / are reported, the service is not", () => {
    const ids = new Set(w.samples.map((s) => s.labels.id));
    expect([...ids].sort()).toEqual(["/", FREE, LIMITED]);
  });

  test("cpu.max gives the quota and period in microseconds, cpu.weight the shares", () => {
    expect(at("container_spec_cpu_quota", LIMITED)).toBe(50_000);
    expect(at("container_spec_cpu_period", LIMITED)).toBe(100_000);
    // weight 39 is what runc writes for Docker's 1024 shares; cAdvisor reads it back as 998.
    expect(at("container_spec_cpu_shares", LIMITED)).toBe(998);
    expect(at("container_spec_cpu_shares", FREE)).toBe(2597);
  });

  test("no quota (`max`): no quota series, as cAdvisor, but period and shares", () => {
    expect(at("container_spec_cpu_quota", FREE)).toBeUndefined();
    expect(at("container_spec_cpu_period", FREE)).toBe(100_000);
  });

  test("the root has no cpu files: period and shares 0, no quota, no memory spec", () => {
    expect(at("container_spec_cpu_period", "/")).toBe(0);
    expect(at("container_spec_cpu_shares", "/")).toBe(0);
    expect(at("container_spec_cpu_quota", "/")).toBeUndefined();
    expect(at("container_spec_memory_limit_bytes", "/")).toBeUndefined();
  });

  test("memory limits: max, swap (`max` is 0) and the reservation from memory.low", () => {
    expect(at("container_spec_memory_limit_bytes", LIMITED)).toBe(268_435_456);
    expect(at("container_spec_memory_swap_limit_bytes", LIMITED)).toBe(0);
    expect(at("container_spec_memory_reservation_limit_bytes", LIMITED)).toBe(67_108_864);
    expect(at("container_spec_memory_limit_bytes", FREE)).toBe(0);
    expect(at("container_spec_memory_swap_limit_bytes", FREE)).toBe(0);
    expect(at("container_spec_memory_reservation_limit_bytes", FREE)).toBe(0);
  });

  test("memory.events oom_kill is container_oom_events_total, max is the failcnt", () => {
    expect(at("container_oom_events_total", LIMITED)).toBe(2);
    expect(at("container_oom_events_total", FREE)).toBe(0);
    expect(at("container_memory_failcnt", LIMITED)).toBe(7);
  });

  test("CFS counters only for the container with a quota", () => {
    expect(at("container_cpu_cfs_periods_total", LIMITED)).toBe(400);
    expect(at("container_cpu_cfs_throttled_periods_total", LIMITED)).toBe(120);
    expect(at("container_cpu_cfs_throttled_seconds_total", LIMITED)).toBe(6);
    for (const id of [FREE, "/"]) {
      expect(at("container_cpu_cfs_periods_total", id)).toBeUndefined();
      expect(at("container_cpu_cfs_throttled_seconds_total", id)).toBeUndefined();
    }
  });

  test.each([
    ["container_spec_cpu_quota", "gauge", "CPU quota of the container."],
    ["container_spec_cpu_period", "gauge", "CPU period of the container."],
    ["container_spec_cpu_shares", "gauge", "CPU share of the container."],
    ["container_spec_memory_swap_limit_bytes", "gauge", "Memory swap limit for the container."],
    [
      "container_spec_memory_reservation_limit_bytes",
      "gauge",
      "Memory reservation limit for the container.",
    ],
    [
      "container_oom_events_total",
      "counter",
      "Count of out of memory events observed for the container",
    ],
  ])("%s is a %s with cAdvisor's HELP", (name, type, help) => {
    expect(w.families.get(name)).toEqual({ type: type as "gauge", help });
  });

  test("every spec sample has cAdvisor's id label", () => {
    const spec = w.samples.filter((s) => s.name.startsWith("container_spec_"));
    expect(spec.length).toBeGreaterThan(10);
    for (const s of spec) expect(Object.keys(s.labels)).toEqual(["id"]);
  });
});

test.each([
  [1, 2],
  [39, 998],
  [100, 2597],
  [10_000, 262_144],
])("weightToShares(%p) is %p", (weight, shares) => expect(weightToShares(weight)).toBe(shares));
