/**
 * Runs every benchmark of this folder (each `bench/*.ts` but this one) one after the other and
 * passes their figures through to stdout; what `make bench` calls. Flags are handed to every
 * benchmark (each reads the ones it knows), and a failing benchmark does not stop the others.
 *
 *   bun bench/run.ts [--quick]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { progress } from "./lib/services.ts";

// The cheap ones first; benchmarks added later run after these, by name.
const ORDER = ["parser.ts", "wire.ts", "agent_e2e.ts", "host_cost.ts"];
const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

const scripts = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "run.ts")
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

let current: Subprocess | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    // The benchmark stops its own children when it gets the signal.
    current?.kill(signal);
    await current?.exited;
    process.exit(130);
  });
}

const failed: string[] = [];
for (const script of scripts) {
  progress(`bench/${script}`);
  current = Bun.spawn([process.execPath, join(import.meta.dir, script), ...process.argv.slice(2)], {
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await current.exited) !== 0) failed.push(script);
  current = null;
}
if (failed.length > 0) {
  console.error(`Cannot complete the benchmarks: ${failed.join(", ")} failed`);
  process.exit(1);
}
