/**
 * What the agent costs the host it runs on, as a process with its default batching, publishing
 * to a local JetStream:
 *
 * - scraping one real node_exporter (Debian's binary) every 15 s, next to node_exporter's own
 *   CPU over the same window (goal: < 0.5 % of a core, < 70 MB);
 * - scraping 10 targets of 10,000 series every 15 s, served by a replay process of their own
 *   (goal: < 5 % of a core, < 150 MB).
 *
 * CPU is utime + stime from /proc over the window; RSS is VmRSS sampled every second (peak).
 * Each window starts once every target has been scraped twice (the first scrape builds the
 * series cache) and a batch has reached JetStream.
 *
 *   bun bench/host_cost.ts [--minutes 2]
 *   bun bench/host_cost.ts --quick       30 s windows
 */
import { parseArgs } from "node:util";
import { startNodeExporter } from "../test/harness/exporters.ts";
import { type NatsServerHandle, startNatsServer } from "../test/harness/nats.ts";
import { type AgentProcess, startAgent, total } from "./lib/agent_process.ts";
import { report } from "./lib/pipeline.ts";
import { childPidWithArg, mb, startMeter, type Usage } from "./lib/proc.ts";
import { progress, startReplayServer, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    minutes: { type: "string", default: "2" },
  },
  strict: false,
});
const windowSeconds = flags.quick ? 30 : Number(flags.minutes) * 60;
const REPLAY_TARGETS = 10;

/** Starts an agent scraping `addresses` every 15 s and waits for the end of its warm-up. */
async function warmAgent(
  teardown: Teardown,
  id: string,
  nats: NatsServerHandle,
  addresses: string[],
): Promise<AgentProcess> {
  const agent = await startAgent({
    id,
    natsUrl: nats.url,
    scrapeConfigs: `scrape_configs:\n  - job_name: ${id}\n    scrape_interval: 15s\n    static_configs:\n      - targets: ${JSON.stringify(addresses)}\n`,
  });
  teardown.defer(`the agent ${id}`, () => agent.stop());
  progress(`${id}: warming up (two scrapes of each target, one acknowledged batch)`);
  await agent.waitFor(
    "the warm-up",
    (m) =>
      total(m, "outpost_agent_scrapes_total", 'result="success"') >= 2 * addresses.length &&
      total(m, "outpost_agent_nats_published_batches_total") > 0,
  );
  return agent;
}

/** Measures the given processes together for the window. */
async function measure(name: string, pids: number[]): Promise<Usage[]> {
  progress(`${name}: measuring for ${windowSeconds} s`);
  const meters = pids.map(startMeter);
  await Bun.sleep(windowSeconds * 1000);
  return meters.map((m) => m.stop());
}

function reportAgent(prefix: string, usage: Usage): void {
  report(`${prefix}_agent_cpu_percent`, usage.cores * 100, "%");
  report(`${prefix}_agent_rss_mb`, mb(usage.rssPeakBytes), "MB");
  report(`${prefix}_agent_rss_growth_mb`, mb(usage.rssLastBytes - usage.rssFirstBytes), "MB");
}

async function nodeExporterCase(nats: NatsServerHandle): Promise<void> {
  const teardown = new Teardown();
  try {
    const node = await startNodeExporter();
    teardown.defer("node_exporter", () => node.stop());
    const nodePid = childPidWithArg(`--web.listen-address=${node.address}`);
    if (nodePid === null) throw new Error("Cannot measure node_exporter: its process is not found");
    const agent = await warmAgent(teardown, "node", nats, [node.address]);
    const [usage, nodeUsage] = await measure("node_exporter", [agent.pid, nodePid]);
    reportAgent("host_cost_node_exporter", usage);
    report("host_cost_node_exporter_cpu_percent", nodeUsage.cores * 100, "%");
    report("host_cost_node_exporter_rss_mb", mb(nodeUsage.rssPeakBytes), "MB");
  } finally {
    await teardown.run();
  }
}

async function replayCase(nats: NatsServerHandle): Promise<void> {
  const teardown = new Teardown();
  try {
    const replay = await startReplayServer(REPLAY_TARGETS);
    teardown.defer("the replay server", () => replay.stop());
    const agent = await warmAgent(teardown, "replay", nats, replay.addresses);
    const before = await agent.metrics();
    const [usage] = await measure("10x10k", [agent.pid]);
    const after = await agent.metrics();
    const samples = (m: typeof before) => total(m, "outpost_agent_batch_samples_total");
    progress(`10x10k: ${samples(after) - samples(before)} samples sealed in the window`);
    reportAgent("host_cost_10x10k", usage);
  } finally {
    await teardown.run();
  }
}

const teardown = new Teardown();
try {
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  await nodeExporterCase(nats);
  await replayCase(nats);
} finally {
  await teardown.run();
}
