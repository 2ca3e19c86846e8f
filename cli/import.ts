import { parseArgs } from "node:util";
import { loadAggregatorConfig } from "../aggregator/config/load.ts";
import { backfill } from "../aggregator/import/backfill.ts";
import { ConfigError } from "../shared/config/load.ts";
import { upAggregatorConfig } from "./up_config.ts";

const USAGE =
  "usage: outpost import (--config FILE | --data-dir DIR) [--tenant T] [--level 1-22] [--chunk-rows N] data.om";

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
      // A month of data: zstd 19 took ~15× level 9's time for ~10 % smaller files.
      level: { type: "string" },
      "chunk-rows": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1 || !values.config === !values["data-dir"]) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const level = intFlag("level", values.level, 1, 22);
  const chunkRows = intFlag("chunk-rows", values["chunk-rows"], 1, 2 ** 31 - 1);
  if (level === null || chunkRows === null) return 2;
  try {
    const config = values.config
      ? await loadAggregatorConfig(values.config)
      : upAggregatorConfig(values["data-dir"]!);
    const r = await backfill(config, positionals[0], values.tenant, { level, chunkRows });
    const total = (r.writeMs + r.compactMs) / 1000;
    console.log(
      `imported ${r.samples} samples of ${r.series} series in ${total.toFixed(1)} s ` +
        `(${Math.round(r.samples / total)} samples/s; write ${(r.writeMs / 1000).toFixed(1)} s, compaction ${(r.compactMs / 1000).toFixed(1)} s)`,
    );
    warnAboutRetention(r.minTime, config.compaction.retention_raw);
    return 0;
  } catch (err) {
    const message = (err as Error).message;
    const said = err instanceof ConfigError || message.startsWith("Cannot import");
    console.error(said ? message : `Cannot import: ${message}`);
    return err instanceof ConfigError ? 2 : 1;
  }
}

/** A flag's integer in [min, max], undefined when absent, null (said on stderr) when invalid. */
function intFlag(name: string, text: string | undefined, min: number, max: number) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  console.error(`Cannot import: --${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return null;
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
