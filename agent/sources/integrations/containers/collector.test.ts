/**
 * The containers collector over this machine's real cgroup tree: a cgroup the test creates
 * (v1 controllers here, v2 where the host has it), with a process in it that burns CPU, holds
 * memory and runs in a network namespace of its own.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { canMakeCgroups, makeCgroup, type TestCgroup } from "../../../../test/harness/cgroup.ts";
import { RecordingWriter } from "../../host/testing.ts";
import { cgroupLayout, containerId, DEFAULT_CONTAINER_CGROUPS, listCgroups } from "./cgroupfs.ts";
import { ContainersCollector } from "./collector.ts";
import { compileCgroups } from "./config.ts";
import { parseContainerList } from "./docker.ts";
import { parseNetDev } from "./host.ts";

setDefaultTimeout(30_000);
const V2 = cgroupLayout("/sys/fs/cgroup")?.version === 2;
/** Half a CPU, 1024 shares (weight 39 on v2), a 64 MiB reservation and memory+swap at 400 MB. */
const LIMITS: Record<string, string> = V2
  ? { "cpu.max": "50000 100000", "cpu.weight": "39", "memory.low": `${64 << 20}` }
  : {
      "cpu.cfs_quota_us": "50000",
      "cpu.shares": "1024",
      "memory.soft_limit_in_bytes": `${64 << 20}`,
      "memory.memsw.limit_in_bytes": `${400 << 20}`,
    };
const name = `outpost-test-${process.pid}`;
const LIMIT = 300 * 1024 * 1024;
/** 0.4 s of CPU, 64 MB held, "ready", then a wait: in a network namespace of its own. */
const BURN =
  "import time\nx=bytearray(64*1024*1024)\nt=time.process_time()\nwhile time.process_time()-t<0.4: pass\nprint('ready', flush=True)\ntime.sleep(60)";

describe.skipIf(!canMakeCgroups())("containers collector on this machine's cgroups", () => {
  let w: RecordingWriter;
  const id = `/${name}`;
  const started = Date.now() / 1000;

  let cgroup: TestCgroup | null = null;

  beforeAll(async () => {
    cgroup = await makeCgroup(name, LIMIT, ["unshare", "--net", "python3", "-c", BURN], LIMITS);
    const c = new ContainersCollector({
      cgroupfs: "/sys/fs/cgroup",
      procfs: "/proc",
      sysfs: "/sys",
      include: compileCgroups(`/outpost-test-${process.pid}`),
      max: 10,
      sockets: [],
    });
    w = new RecordingWriter();
    expect(await c.collect(w, 5_000)).toEqual([]);
  });

  afterAll(() => cgroup?.remove());

  test("the cgroup is reported by its path with its CPU, memory and limit", () => {
    const cpu = w.value("container_cpu_usage_seconds_total", { id, cpu: "total" })!;
    expect(cpu).toBeGreaterThanOrEqual(0.35);
    expect(cpu).toBeLessThan(Date.now() / 1000 - started + 1);
    const usage = w.value("container_memory_usage_bytes", { id })!;
    expect(usage).toBeGreaterThan(60 * 1024 * 1024);
    const ws = w.value("container_memory_working_set_bytes", { id })!;
    expect(ws).toBeLessThanOrEqual(usage);
    expect(ws).toBeGreaterThan(60 * 1024 * 1024);
    expect(w.value("container_memory_rss", { id })).toBeGreaterThan(60 * 1024 * 1024);
    expect(w.value("container_spec_memory_limit_bytes", { id })).toBe(LIMIT);
    expect(w.value("container_threads", { id })).toBeGreaterThanOrEqual(1);
    const user = w.value("container_cpu_user_seconds_total", { id })!;
    const system = w.value("container_cpu_system_seconds_total", { id })!;
    // Tick-rounded user + system against the nanosecond total.
    expect(Math.abs(user + system - cpu)).toBeLessThan(0.1);
  });

  test("its own network namespace gives it its own interfaces, the host's stay on /", () => {
    const ifaces = (id_: string) =>
      w.samples
        .filter((s) => s.name === "container_network_receive_bytes_total" && s.labels.id === id_)
        .map((s) => s.labels.interface);
    expect(ifaces(id)).toEqual(["lo"]);
    expect(ifaces("/").length).toBeGreaterThanOrEqual(1);
  });

  test("the host's own cgroup / is reported, the start time is when the cgroup was made", () => {
    expect(w.value("container_cpu_usage_seconds_total", { id: "/", cpu: "total" })).toBeGreaterThan(
      cpuOf(w, id),
    );
    const start = w.value("container_start_time_seconds", { id })!;
    expect(Math.abs(start - started)).toBeLessThan(10);
    expect(w.value("container_scrape_error")).toBe(0);
  });

  test("its limits are the container spec: quota, period, shares, reservation, swap", () => {
    expect(w.value("container_spec_cpu_quota", { id })).toBe(50_000);
    expect(w.value("container_spec_cpu_period", { id })).toBe(100_000);
    expect(w.value("container_spec_cpu_shares", { id })).toBe(V2 ? 998 : 1024);
    expect(w.value("container_spec_memory_reservation_limit_bytes", { id })).toBe(64 << 20);
    // v1's memsw is memory+swap; v2's swap.max is swap alone and was left at `max` (0).
    expect(w.value("container_spec_memory_swap_limit_bytes", { id })).toBe(V2 ? 0 : 400 << 20);
    expect(w.value("container_oom_events_total", { id })).toBe(0);
  });

  test("CFS counters for the cgroup with a quota, none for / which has none", () => {
    expect(w.value("container_cpu_cfs_periods_total", { id })).toBeGreaterThan(0);
    expect(w.value("container_cpu_cfs_throttled_periods_total", { id })).toBeGreaterThan(0);
    expect(w.value("container_cpu_cfs_throttled_seconds_total", { id })).toBeGreaterThan(0);
    expect(w.value("container_spec_cpu_quota", { id: "/" })).toBeUndefined();
    expect(w.value("container_cpu_cfs_periods_total", { id: "/" })).toBeUndefined();
  });

  test("families carry cAdvisor's types", () => {
    expect(w.families.get("container_cpu_usage_seconds_total")?.type).toBe("counter");
    expect(w.families.get("container_memory_working_set_bytes")?.type).toBe("gauge");
    expect(w.families.get("container_network_receive_bytes_total")?.type).toBe("counter");
  });
});

describe.skipIf(!canMakeCgroups())("a process killed by the OOM killer in its cgroup", () => {
  test("is counted in container_oom_events_total", async () => {
    const small = 32 << 20;
    // No swap to escape to: on v1 memory+swap is capped too, on v2 swap is.
    const files: Record<string, string> = V2
      ? { "memory.swap.max": "0" }
      : { "memory.memsw.limit_in_bytes": `${small}` };
    const oom = await makeCgroup(
      `outpost-oom-${process.pid}`,
      small,
      ["python3", "-c", "x=bytearray(256*1024*1024)\nprint('not killed', flush=True)"],
      files,
    );
    try {
      expect(await oom.proc.exited).toBe(137);
      const c = new ContainersCollector({
        cgroupfs: "/sys/fs/cgroup",
        procfs: "/proc",
        sysfs: "/sys",
        include: compileCgroups(oom.id),
        max: 10,
        sockets: [],
      });
      const w = new RecordingWriter();
      expect(await c.collect(w, 5_000)).toEqual([]);
      expect(w.value("container_oom_events_total", { id: oom.id })).toBe(1);
      expect(w.value("container_spec_memory_limit_bytes", { id: oom.id })).toBe(small);
    } finally {
      await oom.remove();
    }
  });
});

function cpuOf(w: RecordingWriter, id: string): number {
  return w.value("container_cpu_usage_seconds_total", { id, cpu: "total" }) ?? 0;
}

describe("container cgroup names", () => {
  const include = compileCgroups(DEFAULT_CONTAINER_CGROUPS);
  const hex = "4f3c1b2a".repeat(8);
  test.each([
    [`/docker/${hex}`, true],
    [`/system.slice/docker-${hex}.scope`, true],
    [`/machine.slice/libpod-${hex}.scope`, true],
    ["/lxc.payload.web", true],
    ["/kubepods/besteffort/pod1234", true],
    ["/system.slice/ssh.service", false],
    ["/user.slice", false],
    [`/docker/${hex}/child`, false],
  ])("%s is a container: %p", (path, want) => expect(include.test(path)).toBe(want));

  test.each([
    [`/docker/${hex}`, hex],
    [`/system.slice/docker-${hex}.scope`, hex],
    ["/lxc.payload.web", ""],
  ])("containerId(%p) is %p", (path, id) => expect(containerId(path)).toBe(id));

  test("Docker's /containers/json gives names without the slash and images", () => {
    const list = parseContainerList([
      { Id: hex, Names: ["/web"], Image: "nginx:1.25" },
      { Id: "short", Names: ["/bad"], Image: "x" },
      null,
    ]);
    expect([...list]).toEqual([[hex, { name: "web", image: "nginx:1.25" }]]);
  });

  test("net/dev columns: rx bytes, packets, errs, drop, then tx", () => {
    const text =
      "Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n  eth0: 100 2 3 4 0 0 0 0 500 6 7 8 0 0 0 0\n";
    expect(parseNetDev(text)).toEqual([{ name: "eth0", counters: [100, 2, 3, 4, 500, 6, 7, 8] }]);
  });

  test("listCgroups() walks nested folders", () => {
    expect(listCgroups("/sys/fs/cgroup/nonexistent")).toEqual([]);
  });
});

test.skipIf(listCgroups("/sys/fs/cgroup").length === 0)(
  "more containers than max_containers: the rest are cut and the cut is said",
  async () => {
    const c = new ContainersCollector({
      cgroupfs: "/sys/fs/cgroup",
      procfs: "/proc",
      sysfs: "/sys",
      include: compileCgroups(".+"), // every cgroup of this machine
      max: 1,
      sockets: [],
    });
    const w = new RecordingWriter();
    const problems = await c.collect(w, 5_000);
    const ids = new Set(w.samples.map((s) => s.labels.id).filter(Boolean));
    expect([...ids]).toEqual(["/"]);
    expect(problems[0]).toMatch(/^Cannot report every container: \d+ found, max_containers is 1$/);
  },
);
