import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { parseAggregatorConfig } from "../aggregator/config/load.ts";
import type { AggregatorConfig } from "../aggregator/config/schema.ts";

/** Options `outpost up` passes to the aggregator it starts. */
export interface UpAggregatorOptions {
  natsUrl?: string;
  httpPort?: number;
}

/**
 * The aggregator config YAML of `outpost up --data-dir DIR`: Parquet under DIR/bucket, local
 * state under DIR/aggregator. `outpost import --data-dir DIR` uses the same storage.
 */
export function upAggregatorYaml(dataDir: string, opts: UpAggregatorOptions = {}): string {
  const dir = resolve(dataDir);
  return stringify({
    aggregator: {
      id: "local",
      http_listen: `127.0.0.1:${opts.httpPort ?? 9090}`,
      data_dir: join(dir, "aggregator"),
    },
    nats: { url: opts.natsUrl ?? "nats://127.0.0.1:4222" },
    storage: { type: "dir", dir: { path: join(dir, "bucket") } },
  });
}

/** The loaded config of `upAggregatorYaml`. */
export function upAggregatorConfig(
  dataDir: string,
  opts: UpAggregatorOptions = {},
): AggregatorConfig {
  const dir = resolve(dataDir);
  return parseAggregatorConfig(upAggregatorYaml(dir, opts), join(dir, "aggregator.yaml"));
}
