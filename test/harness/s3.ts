/**
 * Runs s3rver, an S3-compatible server, as a Node child process for tests, on a free port and
 * a temporary folder. It runs under Node, not Bun: inside Bun its paged listings break (see
 * ../shared/NOTES.md). It accepts any credentials; `S3RVER_CREDENTIALS` are the customary ones.
 * Every started server is also killed when the test process exits.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** A running s3rver with one bucket. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** The folder s3rver keeps objects in (removed by `stop()`). */
  readonly dir: string;
  /** Stops the server and removes its folder; safe to call detached from the handle. */
  stop(): Promise<void>;
}

/** Credentials to give clients of s3rver (it accepts any). */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

const SCRIPT = join(import.meta.dir, "..", "..", "node_modules", "s3rver", "bin", "s3rver.js");
const READY_TIMEOUT_MS = 15_000;
const live = new Map<Subprocess, string>();

// The safety net: a test that forgets afterAll, or a crash, still takes its servers along.
process.once("exit", () => {
  for (const [p, dir] of live) {
    killGroup(p, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts s3rver with the bucket `bucket` and resolves once it answers HTTP. */
export async function startS3rver(bucket = "outpost-test"): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), "outpost-s3rver-"));
  // A free port can be taken between probing and binding; retry with a fresh one then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawn(dir, port, bucket);
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitReady(proc, endpoint);
    } catch (err) {
      await stopProcess(proc);
      if (attempt < 3) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const stop = async () => {
      await stopProcess(proc);
      await rm(dir, { recursive: true, force: true });
    };
    return { endpoint, bucket, dir, stop };
  }
}

function spawn(dir: string, port: number, bucket: string): Subprocess<"ignore", "ignore", "pipe"> {
  const args = [
    "-d",
    dir,
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-s",
    "--configure-bucket",
    bucket,
  ];
  const proc = Bun.spawn(["node", "--openssl-legacy-provider", SCRIPT, ...args], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    detached: true, // its own process group, so stop() takes anything it started along
  });
  live.set(proc, dir);
  proc.exited.then(() => live.delete(proc));
  return proc;
}

async function waitReady(proc: Subprocess<"ignore", "ignore", "pipe">, endpoint: string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const stderr = await new Response(proc.stderr).text();
      throw new Error(`Cannot start s3rver at ${endpoint}: it exited\n${stderr.slice(-4096)}`);
    }
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      return; // any HTTP answer (the bucket list) means it serves
    } catch {
      await Bun.sleep(25);
    }
  }
  throw new Error(`Cannot start s3rver at ${endpoint}: no answer after ${READY_TIMEOUT_MS} ms`);
}

async function stopProcess(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  killGroup(proc, "SIGTERM");
  const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 3_000);
  await proc.exited;
  clearTimeout(timer);
}

function killGroup(proc: Subprocess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal); // the group is gone or was never made: the process itself then
  }
}
