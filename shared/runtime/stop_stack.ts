import type { Logger } from "../log/log.ts";

/** One thing to stop: its name, as the log says it, and how. */
export type StopStep = readonly [name: string, stop: () => unknown];

/** How long one step of a stop may take before the log names what the program still waits on. */
export const SLOW_STOP_MS = 5_000;

/**
 * Stops `steps` in order. A step that fails is logged and the rest still run: one stuck part
 * must not leave the others (a nats-server child) running. While a step takes longer than
 * `slowMs`, the log says so every `slowMs`: a stop that hangs names what it waits on.
 */
export async function stopEach(
  log: Logger,
  steps: Iterable<StopStep>,
  slowMs = SLOW_STOP_MS,
): Promise<void> {
  for (const [name, stop] of steps) {
    const started = Date.now();
    const slow = setInterval(() => {
      log.warn(`Still stopping: waiting for ${name}`, {
        waited_s: Math.round((Date.now() - started) / 1000),
      });
    }, slowMs);
    try {
      await stop();
    } catch (error) {
      log.error(`Cannot stop ${name}: ${(error as Error).message}`);
    } finally {
      clearInterval(slow);
    }
  }
}

/**
 * What a program has started, to be stopped in reverse order (LIFO). Each thing is pushed as
 * soon as it exists, before its start finishes, so an interrupted or failed start is unwound
 * as well as a finished one: its stop() must cope with a partial start.
 */
export class StopStack {
  private readonly entries: StopStep[] = [];

  constructor(
    private readonly log: Logger,
    private readonly slowMs = SLOW_STOP_MS,
  ) {}

  /** Remembers how to stop `name`; the last pushed is stopped first. */
  push(name: string, stop: () => unknown): void {
    this.entries.push([name, stop]);
  }

  /** Stops everything pushed, newest first, as {@link stopEach} does. */
  async unwind(): Promise<void> {
    await stopEach(this.log, popping(this.entries), this.slowMs);
  }
}

/** The entries of `stack`, newest first, each taken off as it comes. */
function* popping<T>(stack: T[]): Generator<T> {
  for (let entry = stack.pop(); entry; entry = stack.pop()) yield entry;
}
