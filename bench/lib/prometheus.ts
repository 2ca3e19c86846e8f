/**
 * Debian's Prometheus (package `prometheus`, 2.42) as the benchmarks' reference: backfill an
 * OpenMetrics file into a TSDB directory with promtool, serve that directory with a Prometheus
 * that scrapes nothing, and wait until it has finished compacting what it found, so that its
 * query timings are those of a settled server.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../../test/harness/ports.ts";

const STOP_GRACE_MS = 10_000;
const STDERR_TAIL_BYTES = 8_192;
const live = new Set<Subprocess>();

// The safety net: a benchmark that dies before its teardown still takes Prometheus along.
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/** The prometheus and promtool binaries, or null when the `prometheus` package is missing. */
export function prometheusBinaries(): { prometheus: string; promtool: string } | null {
  const prometheus = Bun.which("prometheus");
  const promtool = Bun.which("promtool");
  return prometheus && promtool ? { prometheus, promtool } : null;
}

/**
 * Backfills `file` into TSDB blocks under `tsdbDir` (`promtool tsdb create-blocks-from`);
 * resolves when promtool is done, so that other work can run meanwhile. promtool parses the
 * whole file once per block (2 h by default): `maxBlockDuration` (e.g. "720h", which 2.42
 * rounds down to 486 h blocks) makes a month two passes instead of 360.
 */
export async function promtoolBackfill(
  file: string,
  tsdbDir: string,
  maxBlockDuration?: string,
): Promise<void> {
  const bins = prometheusBinaries();
  if (!bins) throw new Error("Cannot backfill with promtool: install the prometheus package");
  const blocks = maxBlockDuration ? [`--max-block-duration=${maxBlockDuration}`] : [];
  const proc = Bun.spawn(
    [
      bins.promtool,
      "tsdb",
      "create-blocks-from",
      "openmetrics",
      "--quiet",
      ...blocks,
      file,
      tsdbDir,
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  live.add(proc);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  live.delete(proc);
  if (code !== 0) throw new Error(`Cannot backfill with promtool: ${stderr.slice(-500)}`);
}

/** A Prometheus server running as a child process. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  /** Reads one unlabelled sample of its own `/metrics` (NaN when absent). */
  selfMetric(name: string): Promise<number>;
  /** SIGTERM, then SIGKILL after a grace period; waits for the exit. */
  stop(): Promise<void>;
}

/** Options of `startPrometheus()`. */
export interface PrometheusOptions {
  /** How long to wait for `/-/ready`; opening a large TSDB takes a while. */
  readyTimeoutMs?: number;
  /** The prometheus.yml text, written beside the TSDB directory; no scrape jobs by default. */
  config?: string;
}

/**
 * Starts `prometheus` over `tsdbDir` with a config of no scrape jobs (or `opts.config`), a free port and a
 * retention long enough to keep backfilled data of any age; resolves once `/-/ready` says 200.
 */
export async function startPrometheus(
  tsdbDir: string,
  opts: PrometheusOptions = {},
): Promise<PrometheusServer> {
  const bins = prometheusBinaries();
  if (!bins) throw new Error("Cannot start Prometheus: install the prometheus package");
  const config = join(tsdbDir, "..", "prometheus-bench.yml");
  writeFileSync(config, opts.config ?? "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
  const port = await freePort();
  const proc = Bun.spawn(
    [
      bins.prometheus,
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdbDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=10y",
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  live.add(proc);
  proc.exited.then(() => live.delete(proc));
  const tail = { text: "" };
  drain(proc.stderr, tail);
  const server = prometheusServer(proc, `http://127.0.0.1:${port}`);
  try {
    await waitReady(proc, server.url, opts.readyTimeoutMs ?? 120_000, tail);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

function prometheusServer(proc: Subprocess, url: string): PrometheusServer {
  return {
    url,
    pid: proc.pid,
    selfMetric: (name) => selfMetric(url, name),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

async function waitReady(
  proc: Subprocess,
  url: string,
  timeoutMs: number,
  tail: { text: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`Cannot start Prometheus: it exited\n${tail.text}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`Cannot start Prometheus: not ready after ${timeoutMs} ms\n${tail.text}`);
    await Bun.sleep(200);
  }
}

// Reading stderr keeps the pipe from filling up (which would block Prometheus) and keeps the
// last lines for the error message when it fails.
async function drain(stream: ReadableStream<Uint8Array>, tail: { text: string }): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    tail.text = (tail.text + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL_BYTES);
  }
}

/** One unlabelled sample of the `/metrics` of the server at `url` (NaN when absent). */
export async function selfMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

/**
 * Waits until Prometheus has compacted the backfilled blocks: its first compaction starts a
 * minute after start, then it is settled when it has triggered one and its CPU has stayed
 * nearly idle for `quietMs`. Returns false if that did not happen within `timeoutMs`.
 */
export async function waitForCompaction(
  server: PrometheusServer,
  { quietMs = 10_000, timeoutMs = 600_000 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pollMs = 2_000;
  let quietSince = Date.now();
  let cpu = await server.selfMetric("process_cpu_seconds_total");
  while (Date.now() < deadline) {
    await Bun.sleep(pollMs);
    const now = await server.selfMetric("process_cpu_seconds_total");
    // Idle Prometheus uses a few ms of CPU a second; compaction keeps a core busy.
    if (now - cpu > 0.1 * (pollMs / 1000)) quietSince = Date.now();
    cpu = now;
    const triggered = await server.selfMetric("prometheus_tsdb_compactions_triggered_total");
    if (triggered >= 1 && Date.now() - quietSince >= quietMs) return true;
  }
  return false;
}
