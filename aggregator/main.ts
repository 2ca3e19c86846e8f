/** The aggregator's entry point: flags, config, start, stop on signal (`outpost aggregator`). */
import { runDaemon } from "../shared/runtime/daemon.ts";
import { Aggregator } from "./aggregator.ts";
import { loadAggregatorConfig } from "./config/load.ts";

/** Runs an aggregator until SIGINT/SIGTERM; returns the process exit code. */
export function runAggregator(argv: string[]): Promise<number> {
  return runDaemon(
    "aggregator",
    argv,
    async (path) => new Aggregator(await loadAggregatorConfig(path)),
  );
}

if (import.meta.main) {
  process.exit(await runAggregator(process.argv.slice(2)));
}
