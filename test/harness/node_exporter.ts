/**
 * Debian's node_exporter with chosen flags (fixture trees, collector selections), for tests and
 * benchmarks that compare the host source with it. exporters.ts starts it with its defaults.
 */
import type { Subprocess } from "bun";
import { nodeExporterBinary } from "./exporters.ts";
import { freePort } from "./ports.ts";

/** A running node_exporter. */
export interface NodeExporter {
  /** host:port it listens on. */
  address: string;
  pid: number;
  /** One scrape of /metrics, as text. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/**
 * Starts node_exporter on a free port with `args` added and waits until it serves /metrics.
 * A port taken between freePort() and the bind (other tests run beside) is retried.
 */
export async function startNodeExporterWith(args: readonly string[]): Promise<NodeExporter> {
  const binary = nodeExporterBinary();
  if (!binary) {
    throw new Error("Cannot start node_exporter: install the prometheus-node-exporter package");
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await attemptStart(binary, `127.0.0.1:${await freePort()}`, args);
    if (started) return started;
  }
  throw new Error("Cannot start node_exporter: it exited three times before serving /metrics");
}

async function attemptStart(
  binary: string,
  address: string,
  args: readonly string[],
): Promise<NodeExporter | null> {
  const proc = Bun.spawn([binary, `--web.listen-address=${address}`, ...args], {
    stdout: "ignore",
    stderr: "ignore",
  });
  children.add(proc);
  const url = `http://${address}/metrics`;
  const deadline = Date.now() + 10_000;
  // The build info tells node_exporter from another server that took the port meanwhile.
  const serving = () =>
    fetch(url).then(
      async (r) => r.ok && (await r.text()).includes("node_exporter_build_info"),
      () => false,
    );
  while (!(await serving())) {
    if (proc.exitCode !== null) {
      children.delete(proc);
      return null;
    }
    if (Date.now() > deadline) {
      proc.kill();
      children.delete(proc);
      throw new Error(`Cannot start node_exporter on ${address}: no answer within 10 s`);
    }
    await Bun.sleep(50);
  }
  return {
    address,
    pid: proc.pid,
    async scrape() {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`Cannot scrape node_exporter: HTTP ${r.status}`);
      return r.text();
    },
    async stop() {
      proc.kill();
      await proc.exited;
      children.delete(proc);
    },
  };
}
