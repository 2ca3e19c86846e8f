/** The `outpost` command line run as a user runs it, for tests that compare it with a peer. */
import { join, resolve } from "node:path";

const CLI = join(resolve(import.meta.dir, "../.."), "cli/outpost.ts");

/** What one run printed, and how it exited. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `outpost ARGS…` (in `cwd` when given) to its end. */
export async function runOutpost(args: readonly string[], cwd?: string): Promise<CliRun> {
  const proc = Bun.spawn(["bun", CLI, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { exitCode, stdout, stderr };
}
