import { expect, test } from "bun:test";
import {
  HOST_COLLECTOR_NAMES,
  hostFilters,
  hostSchema,
  normalizeHostConfig,
  unanchoredRegex,
} from "./config.ts";

const load = (input: unknown) =>
  normalizeHostConfig(hostSchema.parse(input), "/etc/outpost", "web-1");

/** The messages zod gives for `input`, with their paths. */
function problems(input: unknown): string[] {
  const r = hostSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

test("an empty host section gets node_exporter's defaults and the host name as instance", () => {
  const c = load({});
  expect(c).toMatchObject({
    enabled: false,
    interval: 15_000,
    job_name: "node",
    instance: "web-1",
    labels: {},
    procfs: "/proc",
    sysfs: "/sys",
    rootfs: "/",
    netdev: { device_exclude: "^lo$" },
  });
  expect(c.collectors).toEqual(HOST_COLLECTOR_NAMES.filter((n) => n !== "interrupts"));
  expect(c.exporter_metrics).toBe(true);
  expect(c.diskstats.device_exclude).toBe("^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");
});

test("relative mount paths resolve against the config file's folder", () => {
  const c = load({ procfs: "host/proc", sysfs: "/host/sys", interval: "1m", instance: "db" });
  expect(c).toMatchObject({
    procfs: "/etc/outpost/host/proc",
    sysfs: "/host/sys",
    interval: 60_000,
    instance: "db",
  });
});

test.each([
  [
    { collectors: ["cpu", "gpu"] },
    'collectors.1: unknown collector "gpu"; known collectors: arp, conntrack, cpu,',
  ],
  [{ collectors: ["cpu", "cpu"] }, 'collectors.1: collector "cpu" is listed twice'],
  [{ labels: { job: "x" } }, "labels.job: set the job label with the job_name field"],
  [
    { labels: { instance: "x" } },
    "labels.instance: set the instance label with the instance field",
  ],
  [{ labels: { __x: "x" } }, "labels.__x: labels starting with __ are reserved"],
  [{ netdev: { device_exclude: "(" } }, 'netdev.device_exclude: Cannot compile regex "("'],
  [{ interval: "0s" }, "interval: must be longer than 0"],
  [{ filesystem: { typo: 1 } }, "filesystem: Unrecognized key"],
])("the host section %j is rejected: %s", (input, message) => {
  expect(problems(input).join("\n")).toContain(message);
});

test.each([
  // pattern, name, excluded (Go's MatchString)
  ["^lo$", "lo", true],
  ["^lo$", "lo0", false],
  ["lo", "veth-lo0", true],
  ["eth", "eth0", true],
  ["^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$", "sda1", true],
  ["^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$", "sda", false],
  ["^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$", "nvme0n1p2", true],
  ["^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$", "nvme0n1", false],
  [
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
    "/run/user/0",
    true,
  ],
  [
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
    "/runner",
    false,
  ],
  [
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
    "/",
    false,
  ],
  ["a|b", "xbx", true],
  ["", "anything", false],
])("unanchoredRegex(%p) excludes %p: %p", (pattern, name, excluded) => {
  expect(unanchoredRegex(pattern).test(name)).toBe(excluded);
});

test("hostFilters() compiles every filter of the section", () => {
  const f = hostFilters(load({ filesystem: { fs_types_exclude: "^tmpfs$" } }));
  expect(f.fsTypesExclude.test("tmpfs")).toBe(true);
  expect(f.fsTypesExclude.test("ext4")).toBe(false);
  expect(f.mountPointsExclude.test("/proc/sys")).toBe(true);
  expect(f.netDevicesExclude.test("lo")).toBe(true);
  expect(f.diskDevicesExclude.test("loop3")).toBe(true);
});
