/**
 * Where a process's CPU went, by area of the aggregator's code (bench/lib/cpu_profile.ts): the
 * time of each `.cpuprofile` sample goes to the innermost frame of a known area on its stack.
 * Make a profile with `bun --cpu-prof [--cpu-prof-dir=DIR] …`, or with `BENCH_CPU_PROF_DIR` set
 * for bench/rules_vs_prometheus.ts, which splits its two windows itself.
 *
 *   bun bench/cpu_profile_split.ts FILE.cpuprofile [--from EPOCH_MS] [--to EPOCH_MS]
 */
import { parseArgs } from "node:util";
import { readProfile, splitProfile } from "./lib/cpu_profile.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags, positionals } = parseArgs({
  options: { from: { type: "string" }, to: { type: "string" } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  console.error("Cannot split a profile: give the .cpuprofile file to read");
  process.exit(2);
}
const profile = await readProfile(file);
const window = {
  from: flags.from ? Number(flags.from) : -Infinity,
  to: flags.to ? Number(flags.to) : Infinity,
};
const split = splitProfile(profile, undefined, window);
const busy = [...split].filter(([area]) => area !== "idle").reduce((n, [, ms]) => n + ms, 0);
for (const [area, ms] of [...split].sort((a, b) => b[1] - a[1])) {
  report(`cpu_profile_${area}`, ms, "ms");
  if (area !== "idle") report(`cpu_profile_${area}_share`, (100 * ms) / busy, "%");
}
