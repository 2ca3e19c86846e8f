import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { parseAggregatorConfig } from "../aggregator/config/load.ts";
import type { AggregatorConfig } from "../aggregator/config/schema.ts";
import { formatDuration } from "../shared/time/duration.ts";

/** The default rule pack `outpost up` loads (docs/runbooks.md describes its alerts). */
export const DEFAULT_RULE_PACK = resolve(
  import.meta.dir,
  "../aggregator/rules/pack/outpost-default.rules.yml",
);

/** Options `outpost up` passes to the aggregator it starts. */
export interface UpAggregatorOptions {
  natsUrl?: string;
  /** The aggregator's nkey seed file (cli/nats_auth.ts). */
  natsKeyFile?: string;
  httpPort?: number;
  /** Rule file globs, absolute or relative to the data dir (where the config is written). */
  ruleFiles?: readonly string[];
  /** The alertmanager.yml of `alerting.config_file`, absolute or relative to the data dir. */
  alertmanagerConfig?: string;
  /** `--auth`: ask for credentials on loopback too (`auth.enabled: true`). */
  auth?: boolean;
  /** The `global` of a prometheus.yml (`--config.file`): milliseconds and labels. */
  global?: {
    evaluationInterval: number;
    ruleQueryOffset: number;
    externalLabels: Record<string, string>;
  };
}

/**
 * The `rule_files` of `outpost up`: the default pack unless left out, then the `--rules`
 * globs made absolute against the working directory, where the user typed them.
 */
export function upRuleFiles(
  globs: readonly string[],
  defaultRules: boolean,
  cwd: string,
): string[] {
  const files = defaultRules ? [DEFAULT_RULE_PACK] : [];
  return [...files, ...globs.map((g) => resolve(cwd, g))];
}

/**
 * The aggregator config YAML of `outpost up --data-dir DIR`: Parquet under DIR/bucket, local
 * state under DIR/aggregator. `outpost import --data-dir DIR` uses the same storage.
 */
export function upAggregatorYaml(dataDir: string, opts: UpAggregatorOptions = {}): string {
  const dir = resolve(dataDir);
  return `${UP_WRITTEN}${stringify({
    aggregator: {
      id: "local",
      http_listen: `127.0.0.1:${opts.httpPort ?? 9090}`,
      data_dir: join(dir, "aggregator"),
    },
    nats: {
      url: opts.natsUrl ?? "nats://127.0.0.1:4222",
      ...(opts.natsKeyFile ? { nkey_file: opts.natsKeyFile } : {}),
    },
    storage: { type: "dir", dir: { path: join(dir, "bucket") } },
    ...(opts.global ? { global: globalYaml(opts.global) } : {}),
    ...(opts.ruleFiles && opts.ruleFiles.length > 0 ? { rule_files: [...opts.ruleFiles] } : {}),
    ...(opts.alertmanagerConfig ? { alerting: { config_file: opts.alertmanagerConfig } } : {}),
    ...(opts.auth ? { auth: { enabled: true } } : {}),
  })}`;
}

/** The head of the aggregator config `up` writes at every start: edits to it do not last. */
const UP_WRITTEN =
  "# Written by `outpost up` at every start, from its flags (--auth, --rules, --config.file, …):\n" +
  "# edits here are replaced. For a config of your own, copy it and run\n" +
  "# `outpost aggregator --config FILE`.\n";

/** The loaded config of `upAggregatorYaml`. */
export function upAggregatorConfig(
  dataDir: string,
  opts: UpAggregatorOptions = {},
): AggregatorConfig {
  const dir = resolve(dataDir);
  return parseAggregatorConfig(upAggregatorYaml(dir, opts), join(dir, "aggregator.yaml"));
}

/** The aggregator's `global` section from a prometheus.yml's, durations written back as text. */
function globalYaml(global: NonNullable<UpAggregatorOptions["global"]>) {
  return {
    evaluation_interval: formatDuration(global.evaluationInterval),
    rule_query_offset: formatDuration(global.ruleQueryOffset),
    external_labels: global.externalLabels,
  };
}
