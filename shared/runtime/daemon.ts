import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors.ts";
import { type Logger, logger, setLogLevel } from "../log/log.ts";
import { type StopSignals, trapStopSignals, untilAborted } from "./signal.ts";
import { StopStack } from "./stop_stack.ts";

/**
 * A long-running program: started once, stopped on SIGINT/SIGTERM. `start` gives up (throws)
 * when `signal` aborts; `stop` must also undo a start that was interrupted or failed.
 */
export interface Daemon {
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `outpost <name> --config FILE [--log-level L]` until a signal: loads the config through
 * `create`, starts, waits, stops. The signal handlers come first, so a signal at any moment,
 * during start too, stops what has started. Returns the exit code: 0 after a stop by signal,
 * 2 for usage and config errors (printed as they are), 1 when starting fails. (A second signal
 * exits at once with 128 + its number: see signal.ts.)
 */
export async function runDaemon(
  name: string,
  argv: string[],
  create: (configPath: string) => Promise<Daemon>,
): Promise<number> {
  const log = logger(name);
  const stopping = trapStopSignals((sig) => log.info("Stopping: signal received", { signal: sig }));
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
  return untilStopped(
    stopping,
    log,
    async (signal, started) => {
      const daemon = await untilAborted(create(values.config as string), signal);
      started.push(`the ${name}`, () => daemon.stop());
      await daemon.start(signal);
    },
    (err) => startFailure(name, err),
  );
}

/**
 * The life of a program: `start` pushes what it starts onto a StopStack, then the program
 * runs until a stop signal; the stack is unwound on every path (a signal, during start too,
 * or a failed start). Returns 0 after a stop by signal (a clean stop, as Prometheus and
 * nats-server report it), else what `failed` makes of the start's error.
 */
export async function untilStopped(
  stopping: StopSignals,
  log: Logger,
  start: (signal: AbortSignal, started: StopStack) => Promise<void>,
  failed: (err: unknown) => number,
): Promise<number> {
  const started = new StopStack(log);
  let code = 0;
  try {
    await start(stopping.signal, started);
    await stopping.received;
  } catch (err) {
    // An error because a signal interrupted the start is the stop the user asked for.
    if (!stopping.signal.aborted) code = failed(err);
  } finally {
    await started.unwind();
  }
  if (stopping.signal.aborted) log.info("Stopped", { signal: String(stopping.signal.reason) });
  return code;
}

/** The exit code for an error out of create() or start(), with the error printed. */
function startFailure(name: string, err: unknown): number {
  if (err instanceof ConfigError) {
    console.error(err.message);
    const file = alertmanagerFileGiven(err);
    if (file !== undefined && (name === "notifier" || name === "aggregator"))
      console.error(
        `${file}: this looks like an alertmanager.yml; outpost ${name} reads an Outpost aggregator config, whose alerting.config_file names it (docs/notify.md)`,
      );
    return 2;
  }
  logger(name).error(`Cannot start the ${name}`, { error: (err as Error).message });
  return 1;
}

/** The file, when a config was refused for Alertmanager's own top-level sections. */
function alertmanagerFileGiven(err: ConfigError): string | undefined {
  const own = err.problems.find(
    (p) => (p.path === "route" || p.path === "receivers") && p.reason.startsWith("unknown field"),
  );
  return own?.file;
}
