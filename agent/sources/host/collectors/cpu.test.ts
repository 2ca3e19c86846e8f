import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostPaths } from "../collector.ts";
import { collectWith } from "../testing.ts";
import { CpuCollector, parseCpuList } from "./cpu.ts";

/** A proc tree whose /proc/stat has the given per-CPU lines; `write` replaces them. */
function statTree(): { paths: HostPaths; write(lines: string[]): void } {
  const dir = mkdtempSync(join(tmpdir(), "outpost-cpu-"));
  const paths = { proc: join(dir, "proc"), sys: join(dir, "sys"), root: dir };
  mkdirSync(paths.proc);
  mkdirSync(paths.sys);
  return {
    paths,
    write: (lines) =>
      writeFileSync(join(paths.proc, "stat"), `cpu  0 0 0 0\n${lines.join("\n")}\nctxt 1\n`),
  };
}

const user = (w: Awaited<ReturnType<typeof collectWith>>, cpu: string, mode = "user") =>
  w.value("node_cpu_seconds_total", { cpu, mode });

test("the cpu collector keeps a counter that went back at its last value", async () => {
  const tree = statTree();
  const cpu = new CpuCollector();
  tree.write(["cpu0 500 0 0 1000 40 0 0 0 0 0"]);
  await collectWith(cpu, tree.paths);
  tree.write(["cpu0 600 0 0 1100 30 0 0 0 0 0"]);
  const w = await collectWith(cpu, tree.paths);
  expect(user(w, "0")).toBe(6);
  expect(user(w, "0", "iowait")).toBe(0.4);
});

test("the cpu collector starts a CPU afresh when idle falls back by 3 s or more (hot-plug)", async () => {
  const tree = statTree();
  const cpu = new CpuCollector();
  tree.write(["cpu0 500 0 0 1000 40 0 0 0 0 0"]);
  await collectWith(cpu, tree.paths);
  tree.write(["cpu0 20 0 0 700 1 0 0 0 0 0"]);
  const w = await collectWith(cpu, tree.paths);
  expect(user(w, "0")).toBe(0.2);
  expect(user(w, "0", "idle")).toBe(7);
});

test("the cpu collector reports only the CPUs /proc/stat lists (node_exporter ≥ 1.6, not 1.5's zeros for gaps)", async () => {
  const tree = statTree();
  tree.write(["cpu0 1 0 0 1 0 0 0 0 0 0", "cpu2 2 0 0 2 0 0 0 0 0 0"]);
  const w = await collectWith(new CpuCollector(), tree.paths);
  const cpus = new Set(w.samples.map((s) => s.labels.cpu));
  expect([...cpus]).toEqual(["0", "2"]);
  expect(w.samples).toHaveLength(2 * 10);
});

test("the cpu collector reads kernels with fewer /proc/stat columns as zeros", async () => {
  const tree = statTree();
  tree.write(["cpu0 100 0 50 1000"]);
  const w = await collectWith(new CpuCollector(), tree.paths);
  expect(user(w, "0")).toBe(1);
  expect(user(w, "0", "steal")).toBe(0);
  expect(w.value("node_cpu_guest_seconds_total", { cpu: "0", mode: "nice" })).toBe(0);
});

test.each([
  ["", []],
  ["\n", []],
  ["3", [3]],
  ["0-2,5,7-8\n", [0, 1, 2, 5, 7, 8]],
])("parseCpuList(%p) lists the CPUs", (text, ids) => {
  expect(parseCpuList(text)).toEqual(ids);
});
