/**
 * A cgroup of the test's own, made in every hierarchy the containers collector reads (v1's
 * controllers, or v2's unified tree), with a process started inside it. Needs root.
 */
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cgroupLayout } from "../../agent/sources/integrations/containers/cgroupfs.ts";
import type { CgroupLayout } from "../../agent/sources/integrations/containers/stats.ts";

const CGROUPFS = "/sys/fs/cgroup";

/** A made cgroup and the process in it. */
export interface TestCgroup {
  /** Its path in the tree: `/<name>`, the collector's `id` label. */
  id: string;
  layout: CgroupLayout;
  proc: ReturnType<typeof Bun.spawn>;
  /** Kills the process and removes the cgroup. */
  remove(): Promise<void>;
}

function dirs(l: CgroupLayout, name: string): string[] {
  return l.version === 2
    ? [join(l.root, name)]
    : [...l.controllers.values()].map((m) => join(m, name));
}

/** The parent folders of cgroup folder `dir` (named `name`) that do not exist yet, outermost first. */
function parentsToMake(dir: string, name: string): string[] {
  const depth = name.split("/").length - 1;
  const out: string[] = [];
  let d = dir;
  for (let i = 0; i < depth; i++) {
    d = dirname(d);
    if (!existsSync(d)) out.unshift(d);
  }
  return out;
}

/** Whether cgroups can be made here: a tree is mounted and we are root. */
export function canMakeCgroups(): boolean {
  return cgroupLayout(CGROUPFS) !== null && process.getuid?.() === 0;
}

/**
 * Makes cgroup `name` with memory limit `limitBytes` and runs `argv` in it (joined before it
 * starts, so all its usage is counted there). Resolves once the process printed its first line
 * (or ended). `files` are more settings written first, in order, by file name (`cpu.max`,
 * `memory.soft_limit_in_bytes`): on v1 into the controller the name starts with.
 */
export async function makeCgroup(
  name: string,
  limitBytes: number,
  argv: string[],
  files: Record<string, string> = {},
): Promise<TestCgroup> {
  const layout = cgroupLayout(CGROUPFS);
  if (layout === null) throw new Error(`Cannot make a cgroup: none mounted at ${CGROUPFS}`);
  const all = dirs(layout, name);
  // A nested name (`docker/<id>`) makes parents too: those made here are removed after.
  const made = all.flatMap((d) => parentsToMake(d, name));
  for (const d of all) mkdirSync(d, { recursive: true });
  const memory = layout.version === 2 ? all[0] : join(layout.controllers.get("memory")!, name);
  writeFileSync(
    join(memory, layout.version === 2 ? "memory.max" : "memory.limit_in_bytes"),
    `${limitBytes}`,
  );
  for (const [file, value] of Object.entries(files)) {
    const controller = file.slice(0, file.indexOf("."));
    const dir = layout.version === 2 ? all[0] : join(layout.controllers.get(controller)!, name);
    writeFileSync(join(dir, file), value);
  }
  const join_ = all.map((d) => `echo $$ > ${d}/cgroup.procs`).join("; ");
  const proc = Bun.spawn(["sh", "-c", `${join_}; exec "$@"`, "sh", ...argv], {
    stdout: "pipe",
    stderr: "inherit",
  });
  await (proc.stdout as ReadableStream<Uint8Array>).getReader().read();
  return {
    id: `/${name}`,
    layout,
    proc,
    async remove() {
      proc.kill("SIGKILL");
      await proc.exited;
      for (let i = 0; i < 50 && all.some(existsSync); i++) {
        for (const d of all.filter(existsSync))
          try {
            rmdirSync(d);
          } catch {
            // still emptying: the kernel frees a killed task's cgroup moments later
          }
        if (all.some(existsSync)) await Bun.sleep(50);
      }
      for (const d of made.reverse()) if (existsSync(d)) rmdirSync(d);
    },
  };
}

/**
 * A cgroup `name` with a 256 MiB memory limit, a 64 MiB reservation, a swap limit and a CPU
 * quota of 10 %, holding a process that spins for `seconds` in a network namespace of its own:
 * CPU, throttling, memory and network are all counted there, as for a busy container.
 */
export async function makeBusyCgroup(name: string, seconds = 120): Promise<TestCgroup> {
  const spin = `import time\nprint('ready', flush=True)\nt=time.time()\nwhile time.time()-t<${seconds}: pass`;
  const v2 = cgroupLayout(CGROUPFS)?.version === 2;
  const limits: Record<string, string> = v2
    ? { "memory.low": `${64 << 20}`, "memory.swap.max": `${256 << 20}` }
    : {
        "memory.soft_limit_in_bytes": `${64 << 20}`,
        "memory.memsw.limit_in_bytes": `${512 << 20}`,
      };
  const argv = ["unshare", "--net", "python3", "-c", spin];
  const made = await makeCgroup(name, 256 << 20, argv, limits);
  const l = made.layout;
  if (l.version === 2) writeFileSync(join(l.root, made.id, "cpu.max"), "10000 100000");
  else writeFileSync(join(l.controllers.get("cpu")!, made.id, "cpu.cfs_quota_us"), "10000");
  return made;
}
