/**
 * The agent end to end, as a process: scrape → parse → relabel → encode → LZ4 → spool (fsync)
 * → JetStream PubAck, driven by 10 replay targets of 10,000 series scraped every second. The
 * figure is samples per second of the agent's own CPU (utime + stime from /proc), measured
 * after a warm-up, counting only samples whose batches JetStream stored.
 *
 *   bun bench/agent_e2e.ts [--seconds 45] [--warmup 15] [--targets 10]
 *   bun bench/agent_e2e.ts --quick      15 s window after a 10 s warm-up
 *   bun bench/agent_e2e.ts --jsc useDFGJIT=0   the agent with JavaScriptCore options
 */
import { parseArgs } from "node:util";
import { startNatsServer } from "../test/harness/nats.ts";
import {
  type AgentProcess,
  jscEnv,
  type MetricValues,
  startAgent,
  total,
} from "./lib/agent_process.ts";
import { report } from "./lib/pipeline.ts";
import { mb, startMeter } from "./lib/proc.ts";
import {
  progress,
  type StreamState,
  startReplayServer,
  streamState,
  Teardown,
} from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seconds: { type: "string" },
    warmup: { type: "string" },
    targets: { type: "string", default: "10" },
    jsc: { type: "string", default: "" },
  },
  strict: false,
});
const windowSeconds = Number(flags.seconds ?? (flags.quick ? 15 : 45));
const warmupSeconds = Number(flags.warmup ?? (flags.quick ? 10 : 15));
const targets = Number(flags.targets);
const STREAM = "OUTPOST_INGEST";

const SAMPLES = "outpost_agent_batch_samples_total";
const SEALED = "outpost_agent_batches_sealed_total";
const PUBLISHED = "outpost_agent_nats_published_batches_total";
const PUBLISHED_BYTES = "outpost_agent_nats_published_bytes_total";
const WIRE_BYTES = "outpost_agent_batch_compressed_bytes_total";

/**
 * Waits until every batch sealed in the window is in the stream, and checks that the stream
 * holds exactly what the agent had acknowledged (no loss, no duplicates) while it kept going.
 */
async function verifyDelivery(agent: AgentProcess, monitorPort: number, sealed: number) {
  const before = await agent.waitFor(
    "the window's batches to be acknowledged",
    (m) => total(m, PUBLISHED) >= sealed,
  );
  const stream: StreamState = await streamState(monitorPort, STREAM);
  const after = await agent.metrics();
  const [low, high] = [total(before, PUBLISHED), total(after, PUBLISHED)];
  if (stream.messages < low || stream.messages > high)
    throw new Error(
      `Cannot trust the figures: the stream holds ${stream.messages} batches, the agent had ${low}–${high} acknowledged`,
    );
  if (total(after, "outpost_agent_nats_duplicate_batches_total") > 0)
    throw new Error("Cannot trust the figures: JetStream acknowledged duplicate batches");
  const payload = total(before, PUBLISHED_BYTES);
  if (stream.bytes < payload)
    throw new Error(
      `Cannot trust the figures: the stream holds ${stream.bytes} bytes, less than the ${payload} payload bytes acknowledged`,
    );
  progress(
    `stream: ${stream.messages} batches, ${stream.bytes} bytes; agent acknowledged ${low}–${high}`,
  );
}

/** Warns (on stderr) about what would make the figure unrepresentative. */
function checkHealth(before: MetricValues, after: MetricValues, seconds: number): void {
  const delta = (name: string, label = "") =>
    total(after, name, label) - total(before, name, label);
  const scrapes = delta("outpost_agent_scrapes_total", 'result="success"');
  if (scrapes < 0.9 * targets * seconds)
    progress(
      `warning: ${scrapes} successful scrapes in ${seconds.toFixed(1)} s, expected ~${targets * seconds}`,
    );
  for (const name of [
    "outpost_agent_scrape_failures_total",
    "outpost_agent_nats_publish_errors_total",
    "outpost_agent_spool_dropped_batches_total",
  ]) {
    if (delta(name) > 0) progress(`warning: ${name} grew by ${delta(name)} during the window`);
  }
}

const teardown = new Teardown();
try {
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  progress(`starting ${targets} replay targets`);
  const replay = await startReplayServer(targets);
  teardown.defer("the replay server", () => replay.stop());
  const agent = await startAgent({
    id: "bench-e2e",
    natsUrl: nats.url,
    scrapeConfigs: `scrape_configs:\n  - job_name: replay\n    scrape_interval: 1s\n    static_configs:\n      - targets: ${JSON.stringify(replay.addresses)}\n`,
    env: jscEnv(String(flags.jsc)) ?? {},
  });
  teardown.defer("the agent", () => agent.stop());

  await agent.waitFor("a first acknowledged batch", (m) => total(m, PUBLISHED) > 0);
  progress(`warming up for ${warmupSeconds} s`);
  await Bun.sleep(warmupSeconds * 1000);

  const before = await agent.metrics();
  const meter = startMeter(agent.pid);
  progress(`measuring for ${windowSeconds} s`);
  await Bun.sleep(windowSeconds * 1000);
  const usage = meter.stop();
  const after = await agent.metrics();

  await verifyDelivery(agent, nats.monitorPort, total(after, SEALED));
  checkHealth(before, after, usage.wallSeconds);
  const samples = total(after, SAMPLES) - total(before, SAMPLES);
  const wireBytes = total(after, WIRE_BYTES) - total(before, WIRE_BYTES);
  progress(
    `RSS first ${mb(usage.rssFirstBytes).toFixed(1)} MB, last ${mb(usage.rssLastBytes).toFixed(1)} MB, mean ${mb(usage.rssMeanBytes).toFixed(1)} MB`,
  );
  report("agent_e2e_samples_per_cpu_second", samples / usage.cpuSeconds, "samples/cpu-s");
  report("agent_e2e_samples_per_second", samples / usage.wallSeconds, "samples/s");
  report("agent_e2e_cpu_cores", usage.cores, "cores");
  report("agent_e2e_rss_mb", mb(usage.rssPeakBytes), "MB");
  report("agent_e2e_rss_growth_mb", mb(usage.rssLastBytes - usage.rssFirstBytes), "MB");
  report("agent_e2e_wire_bytes_per_sample", wireBytes / samples, "bytes/sample");
} finally {
  await teardown.run();
}
