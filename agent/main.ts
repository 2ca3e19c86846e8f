/**
 * The agent's entry point: flags, config, start, stop on signal. Used by `outpost agent` and as
 * the entry of the single-file build (dist/outpost-agent).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../shared/config/load.ts";
import { logger, setLogLevel } from "../shared/log/log.ts";
import { waitForSignal } from "../shared/runtime/signal.ts";
import { Agent } from "./agent.ts";
import { loadAgentConfig } from "./config/load.ts";

const log = logger("agent");

/** Runs the agent until SIGINT/SIGTERM; returns the process exit code. */
export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.config) {
    console.error("usage: outpost agent --config FILE [--log-level debug|info|warn|error]");
    return values.help ? 0 : 2;
  }
  if (values["log-level"]) setLogLevel(values["log-level"] as "info");
  let agent: Agent;
  try {
    const config = await loadAgentConfig(values.config);
    agent = new Agent(config, values.config);
    await agent.start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    log.error("Cannot start the agent", { error: (err as Error).message });
    return 1;
  }
  await waitForSignal();
  log.info("Stopping: signal received");
  await agent.stop();
  return 0;
}

if (import.meta.main) {
  process.exit(await runAgent(process.argv.slice(2)));
}
