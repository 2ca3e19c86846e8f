/**
 * Debian's promtool (package `prometheus`) as a Prometheus API client: `promtool query
 * instant|range|series|labels <url> …` checks that Outpost answers as a Prometheus does.
 */

/** What one promtool run printed. */
export interface PromtoolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The promtool binary, or null when the `prometheus` package is not installed. */
export function promtoolBinary(): string | null {
  return Bun.which("promtool");
}

/** Runs promtool with `args` (it exits by itself: queries time out after two minutes). */
export async function promtool(args: readonly string[]): Promise<PromtoolRun> {
  const binary = promtoolBinary();
  if (!binary) throw new Error("Cannot run promtool: install the prometheus package");
  const proc = Bun.spawn([binary, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { exitCode, stdout, stderr };
}
