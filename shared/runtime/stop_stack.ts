import type { Logger } from "../log/log.ts";

/**
 * What a program has started, to be stopped in reverse order (LIFO). Each thing is pushed as
 * soon as it exists, before its start finishes, so an interrupted or failed start is unwound
 * as well as a finished one: its stop() must cope with a partial start.
 */
export class StopStack {
  private readonly entries: { name: string; stop: () => unknown }[] = [];

  constructor(private readonly log: Logger) {}

  /** Remembers how to stop `name`; the last pushed is stopped first. */
  push(name: string, stop: () => unknown): void {
    this.entries.push({ name, stop });
  }

  /**
   * Stops everything pushed, newest first. A stop that fails is logged and the rest still
   * run: one stuck part must not leave the others (a nats-server child) running.
   */
  async unwind(): Promise<void> {
    for (let entry = this.entries.pop(); entry; entry = this.entries.pop()) {
      try {
        await entry.stop();
      } catch (error) {
        this.log.error(`Cannot stop ${entry.name}: ${(error as Error).message}`);
      }
    }
  }
}
