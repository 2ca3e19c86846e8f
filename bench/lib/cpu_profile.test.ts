import { expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProfile, splitProfile } from "./cpu_profile.ts";

test("splitProfile() gives each area the time of the samples its code was on, in a window", async () => {
  const dir = await mkdtemp(join(tmpdir(), "outpost-cpu-profile-"));
  try {
    // Two "areas" by file: one spins three times the CPU time of the other, then both idle.
    // CPU time, not wall time: on a loaded machine a wall-clock spin is descheduled for part
    // of it, and its samples fall short (129 ms for a 300 ms spin, seen in a CI run).
    const spin = (ms: number) =>
      `export function spin(){let x=0;const s=process.cpuUsage();const cpu=()=>{const u=process.cpuUsage(s);return (u.user+u.system)/1000};while(cpu()<${ms})for(let i=0;i<1e4;i++)x+=Math.sqrt(x+1);return x}`;
    await writeFile(join(dir, "long_area.ts"), spin(300));
    await writeFile(join(dir, "short_area.ts"), spin(100));
    await writeFile(
      join(dir, "main.ts"),
      `import {spin as a} from "./long_area.ts"; import {spin as b} from "./short_area.ts";
       a(); b(); await Bun.sleep(200);`,
    );
    const run = Bun.spawnSync(["bun", "--cpu-prof", `--cpu-prof-dir=${dir}`, join(dir, "main.ts")]);
    expect(run.exitCode).toBe(0);
    const file = (await readdir(dir)).find((f) => f.endsWith(".cpuprofile"))!;
    const profile = await readProfile(join(dir, file));
    const areas = [
      { name: "long", paths: ["/long_area.ts"] },
      { name: "short", paths: ["/short_area.ts"] },
    ];
    const split = splitProfile(profile, areas);
    const long = split.get("long") ?? 0;
    const short = split.get("short") ?? 0;
    expect(long).toBeGreaterThan(150);
    expect(short).toBeGreaterThan(50);
    expect(long).toBeGreaterThan(1.5 * short);
    // A window that ends before anything ran holds nothing.
    const start = profile.startTime / 1000;
    expect([...splitProfile(profile, areas, { from: 0, to: start }).values()]).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
