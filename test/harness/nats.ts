/**
 * Runs the Debian `nats-server` (with JetStream) as a child process for tests, on free ports
 * and a temporary store directory. Every started server is also killed when the test process
 * exits, so a failing test cannot leave one behind.
 */

import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** Whether every thread of a process is in the stopped state ("T" in /proc/PID/task/N/stat). */
async function allThreadsStopped(pid: number): Promise<boolean> {
  const tasks = await readdir(`/proc/${pid}/task`);
  for (const t of tasks) {
    // A thread that ended since the listing has nothing left to stop.
    const stat = await Bun.file(`/proc/${pid}/task/${t}/stat`)
      .text()
      .catch(() => null);
    if (stat === null) continue;
    // The state follows the command name, which is in parentheses and may hold spaces.
    if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "T") return false;
  }
  return true;
}

/** Options of `startNatsServer()`; everything defaults to something fresh. */
export interface NatsServerOptions {
  /** Client port; a free one by default. */
  port?: number;
  /** JetStream store directory; a new temporary directory (removed by `dispose()`) by default. */
  storeDir?: string;
  /** How long to wait for the server to become ready. */
  readyTimeoutMs?: number;
  /** A config file (`-c`) holding JetStream's store, as `outpost up` writes it; `reload()` re-reads it. */
  configFile?: string;
  /** Where the server writes its pid (`-P`), as `outpost up`'s does. */
  pidFile?: string;
}

/** A running test nats-server. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** HTTP monitoring port (used to tell when the server is ready). */
  readonly monitorPort: number;
  readonly storeDir: string;
  /** Whether the child process is running. */
  readonly running: boolean;
  /** Stops the server gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP) and waits until every one of its threads has stopped:
   * connections stay open but nothing is answered.
   */
  pause(): Promise<void>;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Makes the server re-read its config file (SIGHUP). */
  reload(): void;
  /** Starts the server again on the same ports and store directory (stopping it first if running). */
  restart(): Promise<void>;
  /** Stops the server and removes the store directory if the harness created it. */
  dispose(): Promise<void>;
}

const BINARY = "nats-server";
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_BYTES = 8_192;
const live = new Set<Subprocess>();

// The safety net: a test that forgets afterAll, or a crash, still takes its servers along.
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/** Starts a nats-server with JetStream and resolves once it serves clients and JetStream. */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const ownsStore = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), "outpost-nats-")));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  // A free port can be taken between probing and binding; retry with fresh ports then.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const monitorPort = await freePort();
    const server = new NatsServer(port, monitorPort, storeDir, ownsStore, readyTimeoutMs, opts);
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.stop();
      if (opts.port !== undefined || attempt >= 3) {
        if (ownsStore) await rm(storeDir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

class NatsServer implements NatsServerHandle {
  readonly url: string;
  private proc: Subprocess<"ignore", "ignore", "pipe" | "inherit"> | null = null;
  private stderrTail = "";

  constructor(
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    private readonly ownsStore: boolean,
    private readonly readyTimeoutMs: number,
    private readonly files: Pick<NatsServerOptions, "configFile" | "pidFile"> = {},
  ) {
    this.url = `nats://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    const args = ["-a", "127.0.0.1", "-p", String(this.port), "-m", String(this.monitorPort)];
    // A config file holds JetStream's store itself (cli/nats_auth.ts writeServerConf).
    if (this.files.configFile) args.push("-c", this.files.configFile);
    else args.push("-js", "-sd", this.storeDir);
    if (this.files.pidFile) args.push("-P", this.files.pidFile);
    const verbose = process.env.OUTPOST_TEST_NATS_LOG === "1";
    const proc = Bun.spawn([BINARY, ...args], {
      stdin: "ignore",
      stdout: "ignore",
      stderr: verbose ? "inherit" : "pipe",
    });
    this.proc = proc;
    live.add(proc);
    proc.exited.then(() => live.delete(proc));
    this.stderrTail = "";
    if (proc.stderr instanceof ReadableStream) this.collectStderr(proc.stderr);
    await this.waitReady(proc);
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async pause(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill("SIGSTOP");
    // kill() returns before the stop lands: on a busy machine a thread of the server may still
    // run for milliseconds and answer a request sent after pause() (a PubAck, seen in CI).
    const deadline = Date.now() + 5_000;
    while (!(await allThreadsStopped(proc.pid))) {
      if (Date.now() > deadline) throw new Error(`nats-server ${proc.pid} did not stop on SIGSTOP`);
      await Bun.sleep(5);
    }
  }

  resume(): void {
    this.proc?.kill("SIGCONT");
  }

  reload(): void {
    this.proc?.kill("SIGHUP");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsStore) await rm(this.storeDir, { recursive: true, force: true });
  }

  private async signal(sig: "SIGTERM" | "SIGKILL"): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(sig);
    if (sig === "SIGTERM") proc.kill("SIGCONT"); // a paused server acts on SIGTERM only once resumed
    const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
    await proc.exited;
    clearTimeout(timer);
  }

  private async waitReady(proc: Subprocess): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    const health = `http://127.0.0.1:${this.monitorPort}/healthz`;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `Cannot start nats-server on port ${this.port}: it exited\n${this.stderrTail}`,
        );
      }
      try {
        const res = await fetch(health, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await Bun.sleep(20);
    }
    throw new Error(
      `Cannot start nats-server on port ${this.port}: not ready after ${this.readyTimeoutMs} ms\n${this.stderrTail}`,
    );
  }

  // Reading stderr keeps the pipe from filling up (which would block the server) and keeps
  // the last lines for the error message when it fails to start.
  private async collectStderr(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.stderrTail = (this.stderrTail + decoder.decode(chunk, { stream: true })).slice(
        -STDERR_TAIL_BYTES,
      );
    }
  }
}
