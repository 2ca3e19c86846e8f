import { parse } from "yaml";
import { loadAgentConfig } from "../agent/config/load.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { ConfigError, readConfigFile } from "../shared/config/load.ts";

/** Top-level sections only an aggregator config has. */
const AGGREGATOR_SECTIONS = ["aggregator", "storage", "head", "flush", "compaction"];

/**
 * `outpost check FILE…`: validates agent and aggregator config files (told apart by their
 * sections). Prints `FILE: ok` per valid file and every problem as
 * `file:line:column: path: reason`; exits 1 if any file is invalid.
 */
export async function runCheck(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error("usage: outpost check FILE...");
    return 2;
  }
  let failed = 0;
  for (const file of argv) {
    try {
      console.log(`${file}: ok (${await checkFile(file)})`);
    } catch (err) {
      failed++;
      console.error(
        err instanceof ConfigError ? err.message : `${file}: ${(err as Error).message}`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}

async function checkFile(file: string): Promise<string> {
  if (await isAggregatorConfig(file)) {
    const config = await loadAggregatorConfig(file);
    return `aggregator config, ${config.storage.type} storage`;
  }
  const config = await loadAgentConfig(file);
  return `${config.scrape_configs.length} scrape jobs`;
}

async function isAggregatorConfig(file: string): Promise<boolean> {
  try {
    const doc = parse(await readConfigFile(file));
    return typeof doc === "object" && doc !== null && AGGREGATOR_SECTIONS.some((k) => k in doc);
  } catch {
    return false; // the agent loader reports the YAML problem with its line
  }
}
