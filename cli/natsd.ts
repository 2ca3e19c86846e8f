import { mkdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";

/** A nats-server child process started by `outpost up`. */
export interface NatsChild {
  url: string;
  port: number;
  /** Resolves once it accepts connections; throws when it exits, is too slow, or `signal` aborts. */
  ready(signal?: AbortSignal): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/**
 * Binds `port` on 127.0.0.1 (0: the kernel's choice) and lets it go again: resolves the port that
 * was free a moment ago, rejects if it was taken. The test harness uses it too.
 */
export function bindPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("Cannot find a free port: the listener has no TCP address"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Returns a TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export function freePort(): Promise<number> {
  return bindPort(0);
}

const children = new Set<ReturnType<typeof Bun.spawn>>();
// The last resort, on every exit that runs JavaScript (process.exit after a second signal,
// an uncaught error): a child left running is killed.
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** How long a child gets to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * Spawns a helper process in its own process group: Ctrl-C in the terminal then reaches only
 * `outpost up`, which stops the agent first (so its last batch still reaches NATS) and the
 * helpers after it. Helpers still running when this process exits are killed. On Linux the
 * helper is started through util-linux's `setpriv --pdeathsig SIGTERM` when it is installed:
 * the kernel then sends it SIGTERM if this process dies without a chance to stop it (SIGKILL).
 */
export function spawnChild(cmd: string[]): ReturnType<typeof Bun.spawn> {
  const setpriv = process.platform === "linux" ? Bun.which("setpriv") : null;
  // setpriv execs the command: the child's pid is the helper's, and kill() reaches it.
  const argv = setpriv ? [setpriv, "--pdeathsig", "SIGTERM", "--", ...cmd] : cmd;
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", detached: true });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(
  proc: ReturnType<typeof Bun.spawn>,
  graceMs = STOP_GRACE_MS,
): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** Where and how `spawnNatsServer` runs nats-server. */
export interface NatsServerOptions {
  port: number;
  /** The JetStream store directory. */
  storeDir: string;
  /** nats-server's log. */
  logFile: string;
  /** nats-server writes its pid here (cli/natsd_stale.ts reads it). */
  pidFile: string;
  /**
   * A config file (cli/nats_auth.ts) that holds JetStream's store (`storeDir`) and the users;
   * nats-server re-reads it on SIGHUP. Without it the store is given as flags, without users.
   */
  configFile?: string;
  /**
   * Its monitoring port (`-m`, on 127.0.0.1): the agent's NATS integration finds the bus it
   * detects through it; without one the bus would report `nats_up 0` and fire NatsDown.
   */
  monitorPort?: number;
}

/**
 * Spawns Debian's nats-server with JetStream, its store under `storeDir`; `ready()` waits until
 * it accepts connections. The caller registers `stop()` before waiting, so that an interrupted
 * or failed start still stops the child.
 */
export function spawnNatsServer(opts: NatsServerOptions): NatsChild {
  const { port, storeDir, logFile, pidFile } = opts;
  mkdirSync(storeDir, { recursive: true });
  const binary = Bun.which("nats-server") ?? "/usr/sbin/nats-server";
  const args = ["-a", "127.0.0.1", "-p", String(port)];
  args.push(...(opts.configFile ? ["-c", opts.configFile] : ["-js", "-sd", storeDir]));
  if (opts.monitorPort !== undefined) args.push("-m", String(opts.monitorPort));
  const proc = spawnChild([binary, ...args, "-l", logFile, "-P", pidFile]);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async ready(signal?: AbortSignal) {
      const deadline = Date.now() + 10_000;
      while (!(await portInUse(port))) {
        signal?.throwIfAborted();
        if (proc.exitCode !== null)
          throw new Error(
            `Cannot start nats-server: it exited with code ${proc.exitCode} (see ${logFile})`,
          );
        if (Date.now() > deadline)
          throw new Error(
            `Cannot start nats-server: port ${port} did not open within 10 s (see ${logFile})`,
          );
        await Bun.sleep(50);
      }
    },
    stop: () => stopChild(proc),
  };
}

/** Where `up` keeps the port its nats-server listens on: agents are enrolled against it. */
export function natsPortFile(dataDir: string): string {
  return join(dataDir, "nats-server.port");
}

/** The port `up` last ran its nats-server on in `dataDir`, or null. */
export function readNatsPort(dataDir: string): number | null {
  try {
    const port = Number(readFileSync(natsPortFile(dataDir), "utf8").trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
  } catch {
    return null;
  }
}
