import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { Agent } from "../agent/agent.ts";
import { loadAgentConfig } from "../agent/config/load.ts";
import { Aggregator } from "../aggregator/aggregator.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { waitForSignal } from "../shared/runtime/signal.ts";
import { freePort, portInUse, startNatsServer } from "./natsd.ts";
import { upAggregatorYaml } from "./up_config.ts";

/**
 * `outpost up`: everything on one machine. Starts a nats-server child (store under the data
 * dir), an aggregator storing Parquet under DATA_DIR/bucket, and a local agent that collects
 * host metrics (node_exporter's names), scrapes itself and the aggregator, and probes the
 * aggregator's readiness endpoint. Prints where everything listens; Ctrl-C stops it all.
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
  const httpPort = Number(values["http-port"]);
  const aggregatorConfig = join(dataDir, "aggregator.yaml");
  writeFileSync(aggregatorConfig, upAggregatorYaml(dataDir, { natsUrl: nats.url, httpPort }));
  const aggregator = new Aggregator(await loadAggregatorConfig(aggregatorConfig));
  await aggregator.start();
  const agentPort = Number(values["agent-port"]);
  const configPath = join(dataDir, "agent.yaml");
  const targets = { agentPort, aggregatorPort: httpPort };
  const natsLog = join(dataDir, "nats-server.log");
  writeFileSync(configPath, agentConfigYaml(nats.url, targets, natsLog));
  const agent = new Agent(await loadAgentConfig(configPath), configPath);
  await agent.start();
  console.log(
    [
      "",
      "Outpost is up:",
      `  nats-server    ${nats.url} (JetStream store ${join(dataDir, "nats")})`,
      `  aggregator     ${aggregator.url} (config ${aggregatorConfig}, Parquet under ${join(dataDir, "bucket")})`,
      `  agent          ${agent.httpUrl}/metrics (config ${configPath}; host metrics as job="node", nats-server's log as job="nats-server")`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  await waitForSignal();
  await agent.stop();
  await aggregator.stop();
  await nats.stop();
  return 0;
}

function agentConfigYaml(
  natsUrl: string,
  { agentPort, aggregatorPort }: { agentPort: number; aggregatorPort: number },
  natsLog: string,
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
  const config = {
    agent: { http_listen: `127.0.0.1:${agentPort}` },
    nats: { url: natsUrl },
    // Batches every second: a sample is queryable about a second after its scrape
    // (bench/freshness.ts). The agent default (10 s) favours fewer, larger batches.
    batch: { max_wait: "1s" },
    spool: { dir: "agent-spool" },
    scrape_configs: scrape,
    host: { enabled: true },
    // A log to search from the first minute: `outpost logs '{job="nats-server"}'`.
    logs: [{ name: "nats-server", include: [natsLog], start_at: "beginning" }],
    probes: {
      modules: { http_2xx: { prober: "http", timeout: "5s" } },
      jobs: [
        {
          job_name: "blackbox",
          module: "http_2xx",
          targets: [`http://127.0.0.1:${aggregatorPort}/-/ready`],
        },
      ],
    },
  };
  return `# Written by \`outpost up\`; edit a copy and run it with \`outpost agent --config FILE\`.\n${stringify(config)}`;
}
