import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { Agent } from "../agent/agent.ts";
import { loadAgentConfig } from "../agent/config/load.ts";
import { Aggregator } from "../aggregator/aggregator.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { waitForSignal } from "../shared/runtime/signal.ts";
import { freePort, portInUse, spawnChild, startNatsServer } from "./natsd.ts";
import { upAggregatorYaml } from "./up_config.ts";

/**
 * `outpost up`: everything on one machine. Starts a nats-server child (store under the data
 * dir), a node_exporter child if one is installed and none is running, and a local agent that
 * scrapes itself, the aggregator and node_exporter, and an aggregator storing Parquet under
 * DATA_DIR/bucket. Prints where everything listens; Ctrl-C stops it all.
 */
export async function runUp(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "data-dir": { type: "string", default: ".data" },
      "nats-port": { type: "string", default: "4222" },
      "agent-port": { type: "string", default: "9909" },
      "http-port": { type: "string", default: "9090" },
    },
  });
  const dataDir = resolve(values["data-dir"]);
  mkdirSync(dataDir, { recursive: true });
  let natsPort = Number(values["nats-port"]);
  if (await portInUse(natsPort)) {
    const taken = natsPort;
    natsPort = await freePort();
    console.log(
      `port ${taken} is taken (another NATS?); the embedded nats-server uses ${natsPort}`,
    );
  }
  const nats = await startNatsServer(
    natsPort,
    join(dataDir, "nats"),
    join(dataDir, "nats-server.log"),
  );
  const nodeExporter = await startNodeExporter();
  const httpPort = Number(values["http-port"]);
  const aggregatorConfig = join(dataDir, "aggregator.yaml");
  writeFileSync(aggregatorConfig, upAggregatorYaml(dataDir, { natsUrl: nats.url, httpPort }));
  const aggregator = new Aggregator(await loadAggregatorConfig(aggregatorConfig));
  await aggregator.start();
  const agentPort = Number(values["agent-port"]);
  const configPath = join(dataDir, "agent.yaml");
  const targets = { agentPort, aggregatorPort: httpPort, nodeExporter: nodeExporter?.address };
  writeFileSync(configPath, agentConfigYaml(nats.url, targets));
  const agent = new Agent(await loadAgentConfig(configPath), configPath);
  await agent.start();
  console.log(
    [
      "",
      "Outpost is up:",
      `  nats-server    ${nats.url} (JetStream store ${join(dataDir, "nats")})`,
      `  aggregator     ${aggregator.url} (config ${aggregatorConfig}, Parquet under ${join(dataDir, "bucket")})`,
      `  agent          ${agent.httpUrl}/metrics (config ${configPath})`,
      nodeExporter
        ? `  node_exporter  http://${nodeExporter.address}/metrics`
        : "  node_exporter  not installed (apt-get install prometheus-node-exporter)",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  await waitForSignal();
  await agent.stop();
  await aggregator.stop();
  nodeExporter?.stop();
  await nats.stop();
  return 0;
}

async function startNodeExporter(): Promise<{ address: string; stop(): void } | null> {
  if (await portInUse(9100)) return { address: "127.0.0.1:9100", stop() {} };
  const binary = Bun.which("prometheus-node-exporter") ?? Bun.which("node_exporter");
  if (!binary) return null;
  const port = await freePort();
  const proc = spawnChild([binary, `--web.listen-address=127.0.0.1:${port}`]);
  for (let i = 0; i < 100 && !(await portInUse(port)); i++) await Bun.sleep(50);
  return { address: `127.0.0.1:${port}`, stop: () => proc.kill() };
}

function agentConfigYaml(
  natsUrl: string,
  {
    agentPort,
    aggregatorPort,
    nodeExporter,
  }: { agentPort: number; aggregatorPort: number; nodeExporter?: string },
): string {
  const scrape = [
    {
      job_name: "outpost-agent",
      scrape_interval: "15s",
      static_configs: [{ targets: [`127.0.0.1:${agentPort}`] }],
    },
    {
      job_name: "outpost-aggregator",
      scrape_interval: "15s",
      static_configs: [{ targets: [`127.0.0.1:${aggregatorPort}`] }],
    },
  ];
  if (nodeExporter)
    scrape.push({
      job_name: "node",
      scrape_interval: "15s",
      static_configs: [{ targets: [nodeExporter] }],
    });
  const config = {
    agent: { http_listen: `127.0.0.1:${agentPort}` },
    nats: { url: natsUrl },
    // Batches every second: a sample is queryable about a second after its scrape
    // (bench/freshness.ts). The agent default (10 s) favours fewer, larger batches.
    batch: { max_wait: "1s" },
    spool: { dir: "agent-spool" },
    scrape_configs: scrape,
  };
  return `# Written by \`outpost up\`; edit a copy and run it with \`outpost agent --config FILE\`.\n${stringify(config)}`;
}
