import { mkdirSync } from "node:fs";
import { connect, createServer } from "node:net";

/** A nats-server child process started by `outpost up`. */
export interface NatsChild {
  url: string;
  port: number;
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

/** Returns a TCP port on 127.0.0.1 that nothing listened on a moment ago (the test harness uses it too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
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

const children = new Set<ReturnType<typeof Bun.spawn>>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/**
 * Spawns a helper process in its own process group: Ctrl-C in the terminal then reaches only
 * `outpost up`, which stops the agent first (so its last batch still reaches NATS) and the
 * helpers after it. Helpers still running when this process exits are killed.
 */
export function spawnChild(cmd: string[]): ReturnType<typeof Bun.spawn> {
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "ignore", detached: true });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/**
 * Starts Debian's nats-server with JetStream, its store under `storeDir`, and waits until it
 * accepts connections. Its output goes to `logFile`.
 */
export async function startNatsServer(
  port: number,
  storeDir: string,
  logFile: string,
): Promise<NatsChild> {
  mkdirSync(storeDir, { recursive: true });
  const binary = Bun.which("nats-server") ?? "/usr/sbin/nats-server";
  const proc = spawnChild([
    binary,
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-js",
    "-sd",
    storeDir,
    "-l",
    logFile,
  ]);
  const deadline = Date.now() + 10_000;
  while (!(await portInUse(port))) {
    if (proc.exitCode !== null)
      throw new Error(
        `Cannot start nats-server: it exited with code ${proc.exitCode} (see ${logFile})`,
      );
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(
        `Cannot start nats-server: port ${port} did not open within 10 s (see ${logFile})`,
      );
    }
    await Bun.sleep(50);
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
