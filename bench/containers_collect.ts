/**
 * One collection of the containers integration over N containers: a cgroup v2 tree of N
 * Docker scopes is written to a temp folder (each a copy of testdata/cgroup2's limited
 * container, with its own figures), then collected R times after a warm-up. Prints the median
 * time per collection and per container and the samples written. Allocations are not
 * printed: Bun's heap figures (process.memoryUsage(), bun:jsc heapStats()) do not move
 * between collections without a GC, so they would say 0. With `--real`, also
 * one collection of this machine's own cgroup tree (every cgroup counted as a container).
 *
 *   bun bench/containers_collect.ts [--quick] [--containers N] [--real]
 *
 * cAdvisor, the peer, is not installable here (not in Debian 12), so there is no side by side.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { MetricWriter } from "../agent/pipeline/emitter.ts";
import {
  cgroupLayout,
  listCgroups,
  walkRoot,
} from "../agent/sources/integrations/containers/cgroupfs.ts";
import { ContainersCollector } from "../agent/sources/integrations/containers/collector.ts";
import { compileCgroups } from "../agent/sources/integrations/containers/config.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    containers: { type: "string" },
    real: { type: "boolean", default: false },
  },
  strict: false,
});
const N = Number(flags.containers ?? (flags.quick ? 50 : 200));
const RUNS = flags.quick ? 10 : 30;
const FIXTURE = join(import.meta.dir, "../agent/sources/integrations/containers/testdata/cgroup2");
const TEMPLATE = `system.slice/docker-${"a1b2c3d4".repeat(8)}.scope`;

/** Counts what a collection writes, keeping nothing: the collector's cost alone. */
class CountingWriter implements MetricWriter {
  samples = 0;
  family(): void {}
  sample(): void {
    this.samples++;
  }
}

/** A v2 root with `n` containers, each with its own CPU usage so no two files are alike. */
function writeTree(n: number): string {
  const root = mkdtempSync(join(tmpdir(), "outpost-bench-cgroup2-"));
  cpSync(join(FIXTURE, "cgroup.controllers"), join(root, "cgroup.controllers"));
  cpSync(join(FIXTURE, "cpu.stat"), join(root, "cpu.stat"));
  for (let i = 0; i < n; i++) {
    const id = i.toString(16).padStart(8, "0").repeat(8);
    const dir = join(root, `system.slice/docker-${id}.scope`);
    mkdirSync(dir, { recursive: true });
    cpSync(join(FIXTURE, TEMPLATE), dir, { recursive: true });
    writeFileSync(
      join(dir, "cpu.stat"),
      `usage_usec ${1_000_000 + i}\nuser_usec ${700_000 + i}\nsystem_usec 300000\nnr_periods ${400 + i}\nnr_throttled 12\nthrottled_usec 60000\n`,
    );
  }
  return root;
}

async function measure(cgroupfs: string, include: string, max: number) {
  const c = new ContainersCollector({
    cgroupfs,
    procfs: "/proc",
    sysfs: "/sys",
    include: compileCgroups(include),
    max,
    sockets: [],
  });
  for (let i = 0; i < 3; i++) await c.collect(new CountingWriter(), 30_000);
  const times: number[] = [];
  let samples = 0;
  for (let i = 0; i < RUNS; i++) {
    const w = new CountingWriter();
    const start = performance.now();
    await c.collect(w, 30_000);
    times.push(performance.now() - start);
    samples = w.samples;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], samples };
}

const root = writeTree(N);
try {
  const r = await measure(root, "/system\\.slice/docker-[0-9a-f]{64}\\.scope", N + 1);
  console.log(`containers_collect_${N}_containers_ms ${r.ms.toFixed(2)} ms`);
  console.log(`containers_collect_per_container_us ${((r.ms * 1000) / N).toFixed(1)} us`);
  console.log(`containers_collect_${N}_containers_samples ${r.samples} samples`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

const layout = cgroupLayout("/sys/fs/cgroup");
if (flags.real && layout !== null) {
  const n = listCgroups(walkRoot(layout)).length;
  const r = await measure("/sys/fs/cgroup", ".+", n + 1);
  console.log(`containers_collect_real_tree_cgroups ${n + 1} cgroups`);
  console.log(`containers_collect_real_tree_ms ${r.ms.toFixed(2)} ms`);
  console.log(`containers_collect_real_tree_samples ${r.samples} samples`);
}
