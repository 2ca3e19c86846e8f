/**
 * Counting the files a command opens, with strace (Debian's `strace`): how a test sees that
 * `outpost up` reads a file once where it read it twice, without changing what it runs.
 * seccomp-bpf stops the command only at the traced calls, so it runs at nearly full speed;
 * strace started with `-o FILE` blocks the signals a test sends the group, so they reach the
 * command alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The command to run another under, recording each file it and its threads open successfully
 * in `log.TID`, a file per thread (so that no call is split across lines by another's).
 */
export function traceOpens(log: string): string[] {
  return ["strace", "-ff", "-qq", "-z", "--seccomp-bpf", "-e", "trace=openat", "-o", log];
}

/** How many times the commands traced into `log` opened `file`. */
export function opensOf(log: string, file: string): number {
  const named = `"${file}"`;
  const logs = readdirSync(dirname(log)).filter((f) => f.startsWith(`${basename(log)}.`));
  return logs
    .flatMap((f) => readFileSync(join(dirname(log), f), "utf8").split("\n"))
    .filter((line) => line.includes(named)).length;
}
