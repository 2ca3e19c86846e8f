import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { goYamlScalars } from "../../shared/config/go_yaml.ts";
import { resolvePath } from "../../shared/config/http.ts";
import { parseYamlConfig, readConfigFile } from "../../shared/config/load.ts";
import { resolveNatsFiles } from "../../shared/config/nats.ts";
import { normalizeHostConfig } from "../sources/host/config.ts";
import { normalizeIntegrations } from "../sources/integrations/config.ts";
import { resolveProbeFiles } from "../sources/probe/config.ts";
import { normalizeLogSources } from "./logs.ts";
import {
  type AgentConfig,
  type AgentConfigInput,
  agentConfigSchema,
  PROMETHEUS_ONLY_SECTIONS,
} from "./schema.ts";
import { normalizeScrapeConfig, resolveGlobal } from "./scrape.ts";

/**
 * prometheus.yml's sections are read as Prometheus's yaml.v2 reads them (`honor_labels: yes`,
 * `job_name: 010` as "010"); Outpost's own sections as YAML 1.2, as the rest of its files.
 */
const readAsPrometheus = goYamlScalars(agentConfigSchema, ["global", "scrape_configs"]);

/** What the loader takes from the environment; tests pin it. */
export interface AgentConfigEnv {
  /** Host name used when `agent.id` is not set; defaults to the machine's. */
  hostname?: string;
}

/**
 * Reads and validates an agent config file. Throws a ConfigError listing every problem
 * with its line; never returns a half-valid config.
 */
export async function loadAgentConfig(
  path: string,
  env: AgentConfigEnv = {},
): Promise<AgentConfig> {
  return parseAgentConfig(await readConfigFile(path), path, env);
}

/**
 * Validates agent config text. `path` names the file in messages and anchors relative
 * paths (spool dir, file_sd files, TLS and password files) to its directory.
 */
export function parseAgentConfig(
  text: string,
  path: string,
  env: AgentConfigEnv = {},
): AgentConfig {
  const input = parseYamlConfig(text, path, agentConfigSchema, { prepare: readAsPrometheus });
  return normalizeAgentConfig(input, dirname(resolve(path)), env);
}

/** Applies the defaults Prometheus derives from other fields and resolves relative paths. */
export function normalizeAgentConfig(
  input: AgentConfigInput,
  baseDir: string,
  env: AgentConfigEnv = {},
): AgentConfig {
  const global = resolveGlobal(input.global);
  // Named only when they hold something: an empty `rule_files:` asks for nothing.
  const unused = (Object.keys(PROMETHEUS_ONLY_SECTIONS) as (keyof typeof input)[]).filter(
    (key) => ![undefined, null].includes(input[key] as never) && !isEmptyList(input[key]),
  ) as AgentConfig["unused_sections"];
  return {
    ...(unused?.length ? { unused_sections: unused } : {}),
    global,
    scrape_configs: input.scrape_configs.map((job) => normalizeScrapeConfig(job, global, baseDir)),
    agent: { ...input.agent, id: input.agent.id ?? agentIdFromHost(env.hostname ?? hostname()) },
    nats: resolveNatsFiles(input.nats, baseDir),
    batch: input.batch,
    spool: { ...input.spool, dir: resolvePath(baseDir, input.spool.dir) },
    host: normalizeHostConfig(input.host, baseDir, env.hostname ?? hostname()),
    integrations: normalizeIntegrations(input.integrations, baseDir),
    probes: resolveProbeFiles(input.probes, baseDir),
    journal: {
      ...input.journal,
      directory: input.journal.directory && resolvePath(baseDir, input.journal.directory),
    },
    syslog: input.syslog,
    logs: normalizeLogSources(input.logs, baseDir),
    aggregate: input.aggregate,
  };
}

/**
 * Derives an agent id from a host name: the part before the first dot (dots would split
 * the NATS subject token), with anything but letters, digits, _ and - replaced by _.
 */
export function agentIdFromHost(host: string): string {
  const short = host.split(".")[0].replace(/[^A-Za-z0-9_-]/g, "_");
  return short === "" ? "agent" : short;
}

const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;
