import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors.ts";
import { logger, setLogLevel } from "../log/log.ts";
import { waitForSignal } from "./signal.ts";

/** A long-running program: started once, stopped on SIGINT/SIGTERM. */
export interface Daemon {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `outpost <name> --config FILE [--log-level L]` until a signal: loads the config through
 * `create`, starts, waits, stops. Returns the exit code: 2 for usage and config errors (printed
 * as they are), 1 when starting fails.
 */
export async function runDaemon(
  name: string,
  argv: string[],
  create: (configPath: string) => Promise<Daemon>,
): Promise<number> {
  const log = logger(name);
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.config) {
    console.error(`usage: outpost ${name} --config FILE [--log-level debug|info|warn|error]`);
    return values.help ? 0 : 2;
  }
  if (values["log-level"]) setLogLevel(values["log-level"] as "info");
  let daemon: Daemon;
  try {
    daemon = await create(values.config);
    await daemon.start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    log.error(`Cannot start the ${name}`, { error: (err as Error).message });
    return 1;
  }
  await waitForSignal();
  log.info("Stopping: signal received");
  await daemon.stop();
  return 0;
}
