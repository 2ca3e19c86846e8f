/**
 * `outpost notifier`'s entry point: the aggregator's config file, the notifier alone. Apart from
 * main.ts so that it loads none of the aggregator's storage and query modules.
 */
import { runDaemon } from "../shared/runtime/daemon.ts";
import { loadAggregatorConfig } from "./config/load.ts";
import { NotifierProcess } from "./notifier_process.ts";

/** Runs a notifier until SIGINT/SIGTERM; returns the process exit code. */
export function runNotifier(argv: string[]): Promise<number> {
  return runDaemon(
    "notifier",
    argv,
    async (path) => new NotifierProcess(await loadAggregatorConfig(path)),
  );
}

if (import.meta.main) {
  process.exit(await runNotifier(process.argv.slice(2)));
}
