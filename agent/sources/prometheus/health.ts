import type { Logger } from "../../../shared/log/log.ts";

/**
 * Logs a target's health as it changes, not every scrape: its first failure and every change
 * of failure reason at warn (a target failing from its first scrape included), the same reason
 * again at debug, and its first success or recovery at info.
 */
export class TargetHealth {
  /** undefined before the first scrape, "" while up, else the reason of the failing scrapes. */
  private state: string | undefined = undefined;

  constructor(
    private readonly log: Logger,
    private readonly fields: Readonly<Record<string, string>>,
  ) {}

  /** True while the last scrape succeeded. */
  get up(): boolean {
    return this.state === "";
  }

  /**
   * Records a failed scrape with its reason and error; `said` when the reason was already
   * logged for the whole job (target_limit), so each target only notes it at debug.
   */
  failed(reason: string, err: unknown, said = false): void {
    const error = String((err as Error)?.message ?? err);
    const fields = { ...this.fields, reason, error };
    if (this.state === reason || said) this.log.debug("Cannot scrape target", fields);
    else this.log.warn("Cannot scrape target", fields);
    this.state = reason;
  }

  /** Records a successful scrape. */
  succeeded(): void {
    if (this.state === "") return;
    if (this.state === undefined) this.log.info("Target is up", this.fields);
    else this.log.info("Target recovered", { ...this.fields, after: this.state });
    this.state = "";
  }
}
