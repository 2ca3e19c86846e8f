/**
 * The agent's entry point: flags, config, start, stop on signal. Used by `outpost agent` and as
 * the entry of the single-file build (dist/outpost-agent).
 */
import { runDaemon } from "../shared/runtime/daemon.ts";
import { Agent } from "./agent.ts";
import { loadAgentConfig } from "./config/load.ts";

/** Runs the agent until SIGINT/SIGTERM; returns the process exit code. */
export function runAgent(argv: string[]): Promise<number> {
  return runDaemon("agent", argv, async (path) => new Agent(await loadAgentConfig(path), path));
}

if (import.meta.main) {
  process.exit(await runAgent(process.argv.slice(2)));
}
