/** Running `systemctl` for the systemd collector: bounded in time and in output. */

/** Output beyond this is refused: 4 MiB is ~20,000 units' properties. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 5_000;

/**
 * Runs `systemctl <args>` without a pager or colours and returns its standard output; throws
 * `Cannot run systemctl …: <reason>` when it fails, times out or prints too much.
 */
export async function runSystemctl(args: readonly string[]): Promise<string> {
  const what = `Cannot run systemctl ${args[0] ?? ""}`;
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(["systemctl", "--no-pager", ...args], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, SYSTEMD_COLORS: "0", LC_ALL: "C" },
      timeout: TIMEOUT_MS,
    });
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
  const [out, errText, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).arrayBuffer(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${what}: exit ${code}: ${errText.trim().slice(0, 200)}`);
  if (out.byteLength > MAX_OUTPUT_BYTES)
    throw new RangeError(`${what}: output over ${MAX_OUTPUT_BYTES} bytes`);
  return new TextDecoder().decode(out);
}
