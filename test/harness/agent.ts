/** Agents for integration tests: a config with one job per target, started in this process. */
import { join } from "node:path";
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
