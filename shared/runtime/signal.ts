/**
 * How the long-running programs learn to stop. The handlers are installed before anything
 * starts, so a signal that arrives while a program is still starting stops it too: the first
 * SIGINT or SIGTERM aborts an AbortSignal that every start takes; a second one exits at once.
 */

/** The stop signals a program traps, with the exit status a shell gives a process they end. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** A stop signal's name. */
export type StopSignalName = keyof typeof STOP_SIGNALS;

/** The first stop signal a program received, as an AbortSignal and a promise. */
export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Resolves with the name of the first signal. */
  readonly received: Promise<StopSignalName>;
  /** Removes the handlers (a program that returns instead of exiting). */
  release(): void;
}

/**
 * Traps SIGINT and SIGTERM. The first aborts `signal` so that starts in progress give up and
 * the program unwinds what it started; a second, during a slow stop, calls `process.exit`
 * with 128 + its number. The "exit" listeners (cli/natsd.ts kills its children in one) still
 * run then, so a forced exit leaves no child process behind either.
 */
export function trapStopSignals(onFirst?: (name: StopSignalName) => void): StopSignals {
  const controller = new AbortController();
  let first: StopSignalName | null = null;
  let resolve!: (name: StopSignalName) => void;
  const received = new Promise<StopSignalName>((r) => {
    resolve = r;
  });
  const handler = (name: StopSignalName) => {
    if (first !== null) {
      process.stderr.write(`${name} received while stopping: exiting now\n`);
      process.exit(STOP_SIGNALS[name]);
    }
    first = name;
    onFirst?.(name);
    controller.abort(name);
    resolve(name);
  };
  const handlers = Object.keys(STOP_SIGNALS).map((name) => {
    const h = () => handler(name as StopSignalName);
    process.on(name, h);
    return [name, h] as const;
  });
  return {
    signal: controller.signal,
    received,
    release() {
      for (const [name, h] of handlers) process.off(name, h);
    },
  };
}

/**
 * Resolves or rejects as `work` does, or rejects with the signal's reason as soon as `signal`
 * aborts: a start that waits on something that may never come (a NATS server that is down)
 * gives up on a stop signal. `work` itself goes on; its owner's stop() must cope with that.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  return new DOMException(`Cannot go on starting: ${String(signal.reason)} received`, "AbortError");
}
