/** The aggregator's entry point: flags, config, start, stop on signal (`outpost aggregator`). */
import { parseArgs } from "node:util";
import { ConfigError } from "../shared/config/load.ts";
import { logger, setLogLevel } from "../shared/log/log.ts";
import { waitForSignal } from "../shared/runtime/signal.ts";
import { Aggregator } from "./aggregator.ts";
import { loadAggregatorConfig } from "./config/load.ts";

const log = logger("aggregator");

/** Runs an aggregator until SIGINT/SIGTERM; returns the process exit code. */
export async function runAggregator(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.config) {
    console.error("usage: outpost aggregator --config FILE [--log-level debug|info|warn|error]");
    return values.help ? 0 : 2;
  }
  if (values["log-level"]) setLogLevel(values["log-level"] as "info");
  let aggregator: Aggregator;
  try {
    aggregator = new Aggregator(await loadAggregatorConfig(values.config));
    await aggregator.start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    log.error("Cannot start the aggregator", { error: (err as Error).message });
    return 1;
  }
  await waitForSignal();
  log.info("Stopping: signal received");
  await aggregator.stop();
  return 0;
}

if (import.meta.main) {
  process.exit(await runAggregator(process.argv.slice(2)));
}
