/**
 * Scrape targets for tests: Debian's node_exporter as a child process, and a counting exporter
 * whose `outpost_test_scrape_seq` value is the number of the scrape that served it, so a test
 * can tell exactly which scrapes reached the stream.
 */
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** A running scrape target. */
export interface ExporterHandle {
  /** host:port, as a static_configs target. */
  address: string;
  stop(): Promise<void>;
}

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** Path of Debian's node_exporter binary, or null when the package is not installed. */
export function nodeExporterBinary(): string | null {
  return Bun.which("prometheus-node-exporter") ?? Bun.which("node_exporter");
}

/** Starts Debian's node_exporter on a free port and waits until it serves /metrics. */
export async function startNodeExporter(): Promise<ExporterHandle> {
  const binary = nodeExporterBinary();
  if (!binary)
    throw new Error(
      "Cannot start node_exporter: install the prometheus-node-exporter package (make deps does)",
    );
  const port = await freePort();
  const proc = Bun.spawn([binary, `--web.listen-address=127.0.0.1:${port}`], {
    stdout: "ignore",
    stderr: "ignore",
  });
  children.add(proc);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`http://${address}/metrics`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || proc.exitCode !== null)
      throw new Error(`Cannot start node_exporter on ${address}`);
    await Bun.sleep(50);
  }
  return {
    address,
    async stop() {
      proc.kill();
      await proc.exited;
      children.delete(proc);
    },
  };
}

/** A counting exporter: every request serves the next sequence number. */
export interface CountingExporter extends ExporterHandle {
  /** Number of scrapes served so far. */
  readonly served: number;
}

/** Starts the counting exporter on a free port (in this process). */
export async function startCountingExporter(): Promise<CountingExporter> {
  let served = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch() {
      served++;
      const body = [
        "# HELP outpost_test_scrape_seq Number of the scrape that served this sample.",
        "# TYPE outpost_test_scrape_seq counter",
        `outpost_test_scrape_seq ${served}`,
        "# TYPE outpost_test_gauge gauge",
        `outpost_test_gauge{kind="a"} ${served * 0.5}`,
        `outpost_test_gauge{kind="b"} ${-served}`,
        "",
      ].join("\n");
      return new Response(body, { headers: { "Content-Type": "text/plain; version=0.0.4" } });
    },
  });
  return {
    address: `127.0.0.1:${server.port}`,
    get served() {
      return served;
    },
    async stop() {
      server.stop(true);
    },
  };
}
