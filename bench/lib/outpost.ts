/**
 * Outpost over generated data, as the query benchmarks run it: `outpost import` into a data
 * directory, then an aggregator serving it (as `outpost up --data-dir DIR` would).
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import { upAggregatorYaml } from "../../cli/up_config.ts";
import { type AggregatorProcess, startAggregatorProcess } from "../../test/harness/aggregator.ts";
import { startNatsServer } from "../../test/harness/nats.ts";
import { freePort } from "../../test/harness/ports.ts";
import type { Teardown } from "./services.ts";

const ROOT = resolve(import.meta.dir, "../..");

/** `outpost import --data-dir dir [flags] file` through the CLI, its output on stderr. */
export async function outpostImport(
  dir: string,
  file: string,
  teardown: Teardown,
  flags: string[] = [],
): Promise<void> {
  const cli = join(ROOT, "cli/outpost.ts");
  const proc = Bun.spawn(["bun", "run", cli, "import", "--data-dir", dir, ...flags, file], {
    stdin: "ignore",
    stdout: 2,
    stderr: 2,
  });
  teardown.defer("outpost import", () => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`Cannot import into Outpost: outpost import exited with ${code}`);
}

/** How to start an aggregator over imported data. */
export interface OutpostOptions {
  /** The checkout whose CLI runs (this one by default): a benchmark's baseline. */
  root?: string;
  /** Settings of the config's `query` section. */
  query?: Record<string, unknown>;
  /** Called with each line the aggregator logs. */
  onLog?: (line: string) => void;
  /** Added to the aggregator's environment (a runtime setting to compare). */
  env?: Record<string, string>;
}

/**
 * Starts nats-server and an aggregator over `dir` (as `outpost up --data-dir dir` would); both
 * stop with `teardown`.
 */
export async function startOutpost(
  dir: string,
  teardown: Teardown,
  opts: OutpostOptions = {},
): Promise<AggregatorProcess> {
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  const config = parse(upAggregatorYaml(dir, { httpPort: await freePort(), natsUrl: nats.url }));
  // The generated data ends on 2024-01-01: the compactor must keep it whatever its age.
  config.compaction = { retention_raw: 0, retention_1m: 0, retention_5m: 0, retention_1h: 0 };
  if (opts.query) config.query = opts.query;
  const path = join(dir, "aggregator.yaml");
  const yaml = stringify(config);
  writeFileSync(path, yaml);
  const loaded = parseAggregatorConfig(yaml, path);
  const agg = await startAggregatorProcess(
    path,
    loaded,
    opts.env ?? {},
    opts.root ?? ROOT,
    opts.onLog,
  );
  teardown.defer("the aggregator", async () => {
    await agg.stop();
  });
  return agg;
}
