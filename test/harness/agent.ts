/** Agents for integration tests: a config with one job per target, started in this process. */
import { join } from "node:path";
import { stringify } from "yaml";
import { Agent } from "../../agent/agent.ts";
import { parseAgentConfig } from "../../agent/config/load.ts";

/** Agent YAML scraping each target as its own job, batches sealed every 500 ms. */
export function testAgentYaml(
  natsUrl: string,
  dir: string,
  targets: Record<string, string>,
  interval = "1s",
): string {
  const jobs = Object.entries(targets)
    .map(
      ([job, address]) =>
        `  - job_name: ${job}\n    scrape_interval: ${interval}\n    static_configs:\n      - targets: ["${address}"]`,
    )
    .join("\n");
  return `agent:\n  id: test-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${natsUrl}\nbatch:\n  max_wait: 500ms\nspool:\n  dir: ${join(dir, "spool")}\nscrape_configs:\n${jobs}\n`;
}

/** Starts an agent in this process with the config text (written as `dir/agent.yaml` for paths). */
export async function startTestAgent(text: string, dir: string): Promise<Agent> {
  const path = join(dir, "agent.yaml");
  const agent = new Agent(parseAgentConfig(text, path), path);
  await agent.start();
  return agent;
}

/**
 * Starts an agent in this process that collects `instances` (the `integrations:` section's
 * lists, e.g. `{ nginx: [...] }`) every second, with logs batched every 200 ms.
 */
export function startIntegrationsAgent(
  id: string,
  natsUrl: string,
  dir: string,
  instances: Record<string, unknown>,
): Promise<Agent> {
  const config = {
    agent: { id, http_listen: "127.0.0.1:0" },
    nats: { url: natsUrl },
    global: { scrape_interval: "1s" },
    batch: { max_wait: "200ms" },
    spool: { dir: join(dir, "spool") },
    integrations: { interval: "1s", timeout: "1s", ...instances },
  };
  return startTestAgent(stringify(config), dir);
}
