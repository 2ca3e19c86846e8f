import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pageSize } from "./collectors/sockstat.ts";
import { readBootTime, readProcessFigures, writeProcessFigures } from "./exporter.ts";
import { RecordingWriter } from "./testing.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            1024                 524288               files     
Max address space         unlimited            unlimited            bytes     
`;

/** A /proc/<pid> directory whose command name has spaces and a parenthesis. */
function processDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "outpost-self-"));
  mkdirSync(join(dir, "fd"));
  for (const fd of ["0", "1", "2"]) writeFileSync(join(dir, "fd", fd), "");
  const stat = `42 (my (agent) x) S 1 42 42 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 9 0 1500 6714400768 12928 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;
  writeFileSync(join(dir, "stat"), `${stat}\n`);
  writeFileSync(join(dir, "limits"), LIMITS);
  return dir;
}

test("readProcessFigures() reads CPU, memory, descriptors and start time past a spaced name", () => {
  const f = readProcessFigures(processDir(), 1_700_000_000);
  expect(f).toEqual({
    cpuSeconds: 3.8,
    openFds: 3,
    maxFds: 1024,
    virtualBytes: 6714400768,
    virtualMaxBytes: 2 ** 64,
    residentBytes: 12928 * pageSize(),
    startTimeSeconds: 1_700_000_015,
  });
});

test("readProcessFigures() of /proc/self agrees with what Bun says of this process", () => {
  const f = readProcessFigures("/proc/self", readBootTime("/proc"));
  // The kernel's start comes before Bun's own clock starts (by the runtime's start-up, seconds
  // on a loaded machine), and the boot time it is counted from is in whole seconds.
  const bunStart = Date.now() / 1000 - process.uptime();
  expect(f.startTimeSeconds).toBeLessThan(bunStart + 1);
  expect(f.startTimeSeconds).toBeGreaterThan(bunStart - 10);
  const cpu = process.cpuUsage();
  expect(Math.abs(f.cpuSeconds - (cpu.user + cpu.system) / 1e6)).toBeLessThan(0.05);
  expect(Math.abs(f.residentBytes - process.memoryUsage.rss())).toBeLessThan(8 << 20);
  const soft = Number(Bun.spawnSync(["sh", "-c", "ulimit -n"]).stdout.toString());
  expect(f.maxFds).toBe(soft);
  expect(f.openFds).toBeGreaterThan(2);
});

test("writeProcessFigures() writes node_exporter's process families with its HELP", () => {
  const w = new RecordingWriter();
  writeProcessFigures(w, readProcessFigures(processDir(), 0));
  expect([...w.families.keys()].sort()).toEqual([
    "process_cpu_seconds_total",
    "process_max_fds",
    "process_open_fds",
    "process_resident_memory_bytes",
    "process_start_time_seconds",
    "process_virtual_memory_bytes",
    "process_virtual_memory_max_bytes",
  ]);
  expect(w.families.get("process_cpu_seconds_total")).toEqual({
    type: "counter",
    help: "Total user and system CPU time spent in seconds.",
  });
});

test("readBootTime() names a /proc/stat without btime", () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-stat-"));
  writeFileSync(join(dir, "stat"), "cpu 1 2 3\n");
  expect(() => readBootTime(dir)).toThrow(`Cannot parse ${dir}/stat: it has no btime line`);
});
