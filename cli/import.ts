import { parseArgs } from "node:util";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { backfill } from "../aggregator/import/backfill.ts";
import { ConfigError } from "../shared/config/load.ts";
import { upAggregatorConfig } from "./up_config.ts";

const USAGE = "usage: outpost import (--config FILE | --data-dir DIR) [--tenant T] data.om";

/**
 * `outpost import`: backfills an OpenMetrics file with timestamps. `--data-dir DIR` writes to
 * the local-directory storage that `outpost up --data-dir DIR` serves; `--config` to whatever
 * storage an aggregator config names.
 */
export async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      "data-dir": { type: "string" },
      tenant: { type: "string", default: "default" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1 || !values.config === !values["data-dir"]) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    const config = values.config
      ? await loadAggregatorConfig(values.config)
      : upAggregatorConfig(values["data-dir"]!);
    const r = await backfill(config, positionals[0], values.tenant);
    const total = (r.writeMs + r.compactMs) / 1000;
    console.log(
      `imported ${r.samples} samples of ${r.series} series in ${total.toFixed(1)} s ` +
        `(${Math.round(r.samples / total)} samples/s; write ${(r.writeMs / 1000).toFixed(1)} s, compaction ${(r.compactMs / 1000).toFixed(1)} s)`,
    );
    warnAboutRetention(r.minTime, config.compaction.retention_raw);
    return 0;
  } catch (err) {
    console.error(
      err instanceof ConfigError ? err.message : `Cannot import: ${(err as Error).message}`,
    );
    return err instanceof ConfigError ? 2 : 1;
  }
}

/** Like Prometheus, the compactor drops what is older than retention: say so before it does. */
function warnAboutRetention(minTime: number, retentionMs: number): void {
  if (retentionMs === 0 || !(minTime < Date.now() - retentionMs)) return;
  const days = retentionMs / 86_400_000;
  console.warn(
    `warning: some samples (from ${new Date(minTime).toISOString()}) are older than compaction.retention_raw (${days} d): ` +
      "an aggregator's compactor will delete them at its next run; raise retention_raw (0 keeps everything) to keep them",
  );
}
