/**
 * One cgroup's figures as cAdvisor reads them, from cgroup v1 controller files or the v2
 * unified files. Each figure is optional: a controller not mounted (or a file a kernel lacks)
 * leaves it out, and its family has no sample for that cgroup, as in cAdvisor.
 */
import { join } from "node:path";
import { readTextIfExists } from "../../host/read.ts";

/** Block device I/O of a cgroup, per `major:minor`. */
export interface DeviceIo {
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

/** What one collection reads of a cgroup. */
export interface CgroupStats {
  /** CPU seconds: total, user, system. */
  cpuTotal?: number;
  cpuUser?: number;
  cpuSystem?: number;
  /** CFS bandwidth: periods, throttled periods, throttled seconds. */
  cfsPeriods?: number;
  cfsThrottledPeriods?: number;
  cfsThrottledSeconds?: number;
  memoryUsage?: number;
  memoryWorkingSet?: number;
  memoryRss?: number;
  memoryCache?: number;
  memoryMappedFile?: number;
  memorySwap?: number;
  memoryMaxUsage?: number;
  memoryFailcnt?: number;
  /** Processes the kernel's OOM killer ended in the cgroup (`oom_kill`). */
  oomKills?: number;
  /** Page faults with the children's (`hierarchy`) and the cgroup's own (`container`). */
  pgfault?: number;
  pgmajfault?: number;
  pgfaultOwn?: number;
  pgmajfaultOwn?: number;
  io: Map<string, DeviceIo>;
  tasks?: number;
}

/** Where each controller's hierarchy is: one folder for v2, one per controller for v1. */
export interface CgroupLayout {
  version: 1 | 2;
  /** v2: the unified mount. v1: controller name → its mount (cpu, cpuacct, memory, blkio, pids). */
  root: string;
  controllers: ReadonlyMap<string, string>;
}

/** USER_HZ: cpuacct.stat counts in these ticks (100 on every Linux ABI Outpost runs on). */
const USER_HZ = 100;

/** Key/value lines (`name value`) of a stat file. */
export function statMap(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text?.split("\n") ?? []) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    const v = Number(line.slice(sp + 1));
    if (Number.isFinite(v)) out.set(line.slice(0, sp), v);
  }
  return out;
}

function num(text: string | null): number | undefined {
  if (text === null) return undefined;
  const t = text.trim();
  if (t === "max") return 0;
  const v = Number(t);
  return t !== "" && Number.isFinite(v) ? v : undefined;
}

/** Reads cgroup `path` (`/`, `/docker/<id>`) under `layout`. */
export function readStats(layout: CgroupLayout, path: string): CgroupStats {
  return layout.version === 2 ? readV2(join(layout.root, path)) : readV1(layout, path);
}

function readV1(layout: CgroupLayout, path: string): CgroupStats {
  const at = (controller: string, file: string) => {
    const mount = layout.controllers.get(controller);
    return mount === undefined ? null : readTextIfExists(join(mount, path, file));
  };
  const s: CgroupStats = { io: new Map() };
  const usage = num(at("cpuacct", "cpuacct.usage"));
  if (usage !== undefined) s.cpuTotal = usage / 1e9;
  const cpuacct = statMap(at("cpuacct", "cpuacct.stat"));
  if (cpuacct.has("user")) s.cpuUser = (cpuacct.get("user") ?? 0) / USER_HZ;
  if (cpuacct.has("system")) s.cpuSystem = (cpuacct.get("system") ?? 0) / USER_HZ;
  cfs(s, statMap(at("cpu", "cpu.stat")), "throttled_time", 1e9);
  const mem = statMap(at("memory", "memory.stat"));
  s.memoryUsage = num(at("memory", "memory.usage_in_bytes"));
  if (s.memoryUsage !== undefined) {
    s.memoryWorkingSet = Math.max(0, s.memoryUsage - (mem.get("total_inactive_file") ?? 0));
    s.memoryRss = mem.get("total_rss");
    s.memoryCache = mem.get("total_cache");
    s.memoryMappedFile = mem.get("total_mapped_file");
    s.pgfault = mem.get("total_pgfault");
    s.pgmajfault = mem.get("total_pgmajfault");
    s.pgfaultOwn = mem.get("pgfault");
    s.pgmajfaultOwn = mem.get("pgmajfault");
    const memsw = num(at("memory", "memory.memsw.usage_in_bytes"));
    if (memsw !== undefined) s.memorySwap = Math.max(0, memsw - s.memoryUsage);
    s.memoryMaxUsage = num(at("memory", "memory.max_usage_in_bytes"));
    s.memoryFailcnt = num(at("memory", "memory.failcnt"));
    // Linux 4.13 added oom_kill to memory.oom_control; older kernels leave the family out.
    s.oomKills = statMap(at("memory", "memory.oom_control")).get("oom_kill");
  }
  blkio(s, at("blkio", "blkio.throttle.io_service_bytes_recursive"), "bytes");
  blkio(s, at("blkio", "blkio.throttle.io_serviced_recursive"), "ops");
  s.tasks = countLines(at("pids", "tasks") ?? at("cpu", "tasks"));
  return s;
}

function readV2(dir: string): CgroupStats {
  const at = (file: string) => readTextIfExists(join(dir, file));
  const s: CgroupStats = { io: new Map() };
  const cpu = statMap(at("cpu.stat"));
  if (cpu.has("usage_usec")) s.cpuTotal = (cpu.get("usage_usec") ?? 0) / 1e6;
  if (cpu.has("user_usec")) s.cpuUser = (cpu.get("user_usec") ?? 0) / 1e6;
  if (cpu.has("system_usec")) s.cpuSystem = (cpu.get("system_usec") ?? 0) / 1e6;
  cfs(s, cpu, "throttled_usec", 1e6);
  const mem = statMap(at("memory.stat"));
  s.memoryUsage = num(at("memory.current"));
  if (s.memoryUsage !== undefined) {
    s.memoryWorkingSet = Math.max(0, s.memoryUsage - (mem.get("inactive_file") ?? 0));
    s.memoryRss = mem.get("anon");
    s.memoryCache = mem.get("file");
    s.memoryMappedFile = mem.get("file_mapped");
    // v2's memory.stat counts the subtree: cAdvisor gives both scopes the same figure.
    s.pgfault = s.pgfaultOwn = mem.get("pgfault");
    s.pgmajfault = s.pgmajfaultOwn = mem.get("pgmajfault");
    s.memorySwap = num(at("memory.swap.current"));
    s.memoryMaxUsage = num(at("memory.peak"));
    const events = statMap(at("memory.events"));
    s.memoryFailcnt = events.get("max");
    s.oomKills = events.get("oom_kill");
  }
  for (const line of at("io.stat")?.split("\n") ?? []) {
    const [device, ...pairs] = line.split(" ");
    if (!device || pairs.length === 0) continue;
    const kv = new Map(pairs.map((p) => p.split("=") as [string, string]));
    s.io.set(device, {
      readBytes: Number(kv.get("rbytes") ?? 0),
      writeBytes: Number(kv.get("wbytes") ?? 0),
      reads: Number(kv.get("rios") ?? 0),
      writes: Number(kv.get("wios") ?? 0),
    });
  }
  s.tasks = num(at("pids.current")) ?? countLines(at("cgroup.threads"));
  return s;
}

function cfs(s: CgroupStats, stat: Map<string, number>, throttled: string, perSecond: number) {
  if (!stat.has("nr_periods")) return;
  s.cfsPeriods = stat.get("nr_periods");
  s.cfsThrottledPeriods = stat.get("nr_throttled");
  s.cfsThrottledSeconds = (stat.get(throttled) ?? 0) / perSecond;
}

/** v1 blkio lines `8:0 Read 4096`; the `Total` lines are left out. */
function blkio(s: CgroupStats, text: string | null, what: "bytes" | "ops"): void {
  for (const line of text?.split("\n") ?? []) {
    const [device, op, value] = line.split(" ");
    if (value === undefined || (op !== "Read" && op !== "Write")) continue;
    const io = s.io.get(device) ?? { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
    const v = Number(value);
    if (what === "bytes") io[op === "Read" ? "readBytes" : "writeBytes"] += v;
    else io[op === "Read" ? "reads" : "writes"] += v;
    s.io.set(device, io);
  }
}

function countLines(text: string | null): number | undefined {
  if (text === null) return undefined;
  let n = 0;
  for (const line of text.split("\n")) if (line !== "") n++;
  return n;
}
