import type { Logger } from "../../../shared/log/log.ts";

const MAX_REMEMBERED = 1000;

/**
 * Logs each warning once: a folder or file the agent may not read fails again every poll, and
 * is counted every time by the caller but worth one log line.
 */
export class Warnings {
  private readonly seen = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Logs `message` unless it was logged before. */
  once(message: string): void {
    if (this.seen.has(message)) return;
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.add(message);
    this.log.warn(message);
  }
}
