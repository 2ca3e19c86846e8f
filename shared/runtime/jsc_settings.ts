/**
 * JavaScriptCore settings for one command's process. JavaScriptCore reads its `BUN_JSC_*`
 * settings from the environment once, as the process starts, so a command that wants its own
 * runs itself again in place (`execve`: the same pid, arguments, descriptors and parent) with
 * them added. A setting the environment already names is left as the user set it, which is
 * also how a user turns one off (`BUN_JSC_useFTLJIT=1 outpost notifier …`).
 */
import { existsSync } from "node:fs";

/**
 * `outpost notifier` without JavaScriptCore's last tier (FTL): the process runs no queries, and
 * its code is mostly run once a post or a notification, where compiling it a fourth time costs
 * more than it saves. With 10,000 alerts (bench/notifier_vs_alertmanager.ts, docs/benchmarks.md
 * "The notifier without FTL"): a third less CPU in the first minute, ~8 MB less at the peak.
 * The aggregator keeps FTL: its queries run 2–4× slower without.
 */
export const NOTIFIER_JSC: Readonly<Record<string, string>> = {
  BUN_JSC_useFTLJIT: "0",
  /**
   * The heap sized as on a host of 256 MiB. On a host with much memory (16 GiB in upstream
   * JavaScriptCore; every bench VM) it grows its heap "aggressively", up to 4× a collection
   * while the heap is small beside the host's memory (`proportionalHeapSize()` in its Heap.cpp,
   * `heapGrowthMaxIncrease`); on a smaller host 2× while the heap is under a quarter of the
   * memory, 1.5× to a half, 1.24× past it, so there the setting changes less. As if on 256 MiB,
   * the notifier's heap grows by 2× to 64 MiB, 1.5× to 128 MiB and 1.24× past it: only how
   * often it is collected changes, nothing is capped. With 10,000 alerts on a 23 GiB VM the
   * peak RSS was 131–139 MB against 150–154 MB at the same CPU (docs/benchmarks.md, "The
   * notifier's heap sized as on a small host"); as if on 128 MiB, ~15 MB less again for a
   * quarter more CPU.
   */
  BUN_JSC_forceRAMSize: String(256 << 20),
};

/** The settings of `wanted` that `env` does not name: the user's own values win. */
export function missingSettings(
  wanted: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => env[name] === undefined));
}

/**
 * Runs this process again in place with `wanted` added to its environment where unset, or
 * returns: when nothing is missing (so the second start goes on), when the runtime has no
 * `execve`, when the script is not a file on disk (a compiled binary), or when `execve` fails
 * (the settings are for speed: the process then runs without them). Call it first thing in a
 * command's process, before it opens a file or a socket.
 */
export function startWith(wanted: Readonly<Record<string, string>>): void {
  const missing = missingSettings(wanted, process.env);
  if (Object.keys(missing).length === 0) return;
  const script = process.argv[1];
  if (typeof process.execve !== "function" || script === undefined || !existsSync(script)) return;
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      { ...process.env, ...missing },
    );
  } catch {
    // Only returns on failure (no such file, not permitted): run on as started.
  }
}
