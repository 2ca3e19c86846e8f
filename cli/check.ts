import { parseAllDocuments } from "yaml";
import { loadAgentConfig } from "../agent/config/load.ts";
import { agentConfigSchema } from "../agent/config/schema.ts";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { aggregatorConfigSchema } from "../aggregator/config/schema.ts";
import { isAlertmanagerDocument } from "../aggregator/notify/config/load.ts";
import { isSlothSpec } from "../aggregator/slo/spec.ts";
import { ConfigError, readConfigFile } from "../shared/config/load.ts";
import { checkAlertmanagerFile } from "./check_alertmanager.ts";
import { checkRuleFile } from "./check_rules.ts";
import { checkSloSpec } from "./check_slo.ts";

/**
 * Top-level sections only an aggregator config has (`notifier` and `alerting` too, so that a
 * file written for `outpost notifier` alone is checked as what it is).
 */
const AGGREGATOR_SECTIONS = Object.keys(aggregatorConfigSchema.shape).filter(
  (k) => !(k in agentConfigSchema.shape),
);

const USAGE = "usage: outpost check [--rules] FILE...";

/**
 * `outpost check [--rules] FILE…`: validates agent and aggregator config files (told apart by
 * their sections) and Prometheus rule files (a top-level `groups`, or every file after
 * `--rules`), alertmanager.yml files (a top-level `route` or `receivers`) and Sloth
 * `prometheus/v1` SLO specs (a top-level `version: prometheus/v1`). Prints `FILE: ok` per valid
 * config and every problem as `file:line:column: path: reason`, rule files as `promtool check
 * rules` does and alertmanager.yml as `amtool check-config` does; exits 1 if any file is
 * invalid.
 */
export async function runCheck(argv: string[]): Promise<number> {
  const rulesOnly = argv[0] === "--rules";
  const files = rulesOnly ? argv.slice(1) : argv;
  if (files.length === 0 || files.some((f) => f.startsWith("--"))) {
    console.error(USAGE);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    if (!rulesOnly && (await isSpecFile(file))) {
      if (!(await checkSloSpec(file))) failed++;
      continue;
    }
    const keys = rulesOnly ? [] : await topLevelKeys(file);
    if (rulesOnly || keys.includes("groups")) {
      if (!(await checkRuleFile(file))) failed++;
      continue;
    }
    if (isAlertmanagerDocument(keys)) {
      if (!(await checkAlertmanagerFile(file))) failed++;
      continue;
    }
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
  return (await topLevelKeys(file)).some((k) => AGGREGATOR_SECTIONS.includes(k));
}

/** True for a Sloth SLO spec, told apart as Sloth does: by its `version: prometheus/v1` line. */
async function isSpecFile(file: string): Promise<boolean> {
  try {
    return isSlothSpec(await readConfigFile(file));
  } catch {
    return false;
  }
}

/** The top-level keys of a YAML file; none when it cannot be read or parsed. */
async function topLevelKeys(file: string): Promise<string[]> {
  try {
    // A rule file may hold more documents after the first; Prometheus reads the first.
    const doc = parseAllDocuments(await readConfigFile(file))[0]?.toJS();
    return typeof doc === "object" && doc !== null && !Array.isArray(doc) ? Object.keys(doc) : [];
  } catch {
    return []; // the loader reports the YAML problem with its line
  }
}
