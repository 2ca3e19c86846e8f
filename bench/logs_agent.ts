/**
 * What tailing costs the agent, as a separate process publishing to a real nats-server:
 *
 * - throughput: a file of N ~200-byte lines appears in a watched folder; CPU seconds the agent
 *   spends until every line is acknowledged by JetStream → lines per CPU-second (goal ≥ 200 k);
 * - wire bytes per line: compressed batch bytes / lines, for lz4 (the default) and zstd
 *   (goal ≤ 30; vlagent with zstd: 33);
 * - steady state: a writer appends 10,000 lines/s for a window; the agent's share of one core
 *   and its RSS (goal ≤ 0.05 cores, ≤ 80 MB).
 *
 *   bun bench/logs_agent.ts [--lines 1000000] [--seconds 60]
 */
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startNatsServer } from "../test/harness/nats.ts";
import { type AgentProcess, startAgent, total } from "./lib/agent_process.ts";
import { LineGenerator } from "./lib/log_lines.ts";
import { report } from "./lib/pipeline.ts";
import { mb, startMeter } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    lines: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "60" },
  },
  strict: false,
});
const LINES = Number(flags.lines);
const STEADY_SECONDS = Number(flags.seconds);
const RATE = 10_000;

const teardown = new Teardown();
try {
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  for (const codec of ["zstd", "lz4"] as const) {
    const r = await throughput(nats.url, codec);
    if (codec === "zstd") {
      report("logs_tail_lines_per_cpu_second", Math.round(r.perCpuSecond), "lines/s");
      report("logs_tail_lines_per_second", Math.round(r.perSecond), "lines/s");
    }
    report(`logs_wire_bytes_per_line_${codec}`, Number(r.wirePerLine.toFixed(2)), "bytes");
  }
  const s = await steady(nats.url);
  report("logs_steady_10k_cores", Number(s.cores.toFixed(4)), "cores");
  report("logs_steady_10k_rss_peak", Number(mb(s.rssPeak).toFixed(1)), "MB");
  report("logs_steady_10k_rss_mean", Number(mb(s.rssMean).toFixed(1)), "MB");
} finally {
  await teardown.run();
}

async function agentFor(natsUrl: string, dir: string, codec: string): Promise<AgentProcess> {
  return startAgent({
    id: `logbench-${codec}`,
    natsUrl,
    scrapeConfigs: "",
    extraYaml: `batch:\n  max_wait: 1s\n  log_compression: ${codec}\nlogs:\n  - name: app\n    include: ["${dir}/*.log"]\n    start_at: beginning\n`,
  });
}

async function throughput(natsUrl: string, codec: "lz4" | "zstd") {
  const dir = mkdtempSync(join(tmpdir(), "outpost-logbench-"));
  const agent = await agentFor(natsUrl, dir, codec);
  teardown.defer(`agent ${codec}`, () => agent.stop());
  // Written beside, then moved in: the agent sees a complete file at once.
  progress(`writing ${LINES} lines`);
  const gen = new LineGenerator(1);
  const staging = join(dir, "staging");
  writeFileSync(staging, "");
  const start = Date.now() - LINES;
  for (let i = 0; i < LINES; i += 50_000) {
    appendFileSync(staging, gen.block(Math.min(50_000, LINES - i), start + i, 1));
  }
  const meter = startMeter(agent.pid);
  const t0 = performance.now();
  renameSync(staging, join(dir, "app.log"));
  progress(`agent (${codec}) tailing`);
  const m = await agent.waitFor(
    "every line acknowledged",
    (v) =>
      total(v, "outpost_agent_log_batch_records_total") >= LINES &&
      total(v, "outpost_agent_spool_batches") === 0,
    600_000,
  );
  const seconds = (performance.now() - t0) / 1000;
  const usage = meter.stop();
  await agent.stop();
  return {
    perCpuSecond: LINES / usage.cpuSeconds,
    perSecond: LINES / seconds,
    wirePerLine: total(m, "outpost_agent_log_batch_compressed_bytes_total") / LINES,
  };
}

async function steady(natsUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), "outpost-logbench-steady-"));
  const path = join(dir, "app.log");
  writeFileSync(path, "");
  // The default log codec.
  const agent = await agentFor(natsUrl, dir, "zstd");
  teardown.defer("agent steady", () => agent.stop());
  const gen = new LineGenerator(2);
  // 100 lines every 10 ms, written by this process; the meter counts only the agent's CPU.
  const writer = setInterval(() => appendFileSync(path, gen.block(RATE / 100, Date.now(), 0)), 10);
  teardown.defer("writer", () => clearInterval(writer));
  await Bun.sleep(5_000);
  progress(`steady ${RATE} lines/s for ${STEADY_SECONDS} s`);
  const meter = startMeter(agent.pid);
  await Bun.sleep(STEADY_SECONDS * 1000);
  const usage = meter.stop();
  clearInterval(writer);
  await agent.stop();
  return { cores: usage.cores, rssPeak: usage.rssPeakBytes, rssMean: usage.rssMeanBytes };
}
