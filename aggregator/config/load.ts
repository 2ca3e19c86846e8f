import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { resolvePath } from "../../shared/config/http.ts";
import { parseYamlConfig, readConfigFile } from "../../shared/config/load.ts";
import { resolveNatsFiles } from "../../shared/config/nats.ts";
import { type AggregatorConfig, aggregatorConfigSchema } from "./schema.ts";

/**
 * Reads and validates an aggregator config file; throws a ConfigError listing every problem.
 * The config remembers its file, which a reload of `limits` reads again.
 */
export async function loadAggregatorConfig(path: string): Promise<AggregatorConfig> {
  return { ...parseAggregatorConfig(await readConfigFile(path), path), file: resolve(path) };
}

/** Validates aggregator config text; `path` names the file and anchors relative paths. */
export function parseAggregatorConfig(
  text: string,
  path: string,
  host = hostname(),
): AggregatorConfig {
  const input = parseYamlConfig(text, path, aggregatorConfigSchema);
  const baseDir = dirname(resolve(path));
  const id =
    input.aggregator.id ?? (host.split(".")[0].replace(/[^A-Za-z0-9_-]/g, "_") || "aggregator");
  return {
    ...input,
    aggregator: {
      ...input.aggregator,
      id,
      data_dir: resolvePath(baseDir, input.aggregator.data_dir),
    },
    nats: resolveNatsFiles(input.nats, baseDir),
    alerting: {
      ...input.alerting,
      config_file: optionalPath(baseDir, input.alerting.config_file),
    },
    tenants: Object.fromEntries(
      Object.entries(input.tenants).map(([name, t]) => [
        name,
        { ...t, alerting: { config_file: optionalPath(baseDir, t.alerting.config_file) } },
      ]),
    ),
    tls: input.tls && {
      cert_file: resolvePath(baseDir, input.tls.cert_file),
      key_file: resolvePath(baseDir, input.tls.key_file),
    },
    baseDir,
  };
}

function optionalPath(baseDir: string, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolvePath(baseDir, path);
}
