/**
 * What stops a query: its deadline, its caller's abort signal, and the number of samples it
 * may hold in memory; and when it lets other work run. Evaluation runs on the thread that
 * serves every request, so a query gives the others a turn (`turn()`) once it has held the
 * thread for a slice: at node boundaries and between series, where the code is async. Inside
 * synchronous loops the checks are polled (`poll()`); the deadline is a clock read, so a
 * long loop is interrupted even when the event loop never gets a turn.
 */
import { causeOfType, findCause } from "../../../shared/errors/errors.ts";
import { Turns } from "../../../shared/runtime/turns.ts";
import { PromQLError } from "../value.ts";

/** Prometheus's wording for the sample limit. */
export const TOO_MANY_SAMPLES =
  "query processing would load too many samples into memory in query execution";

/** The start of the message for a query whose storage read ran out of memory. */
export const TOO_MANY_STORED = "query would read too many samples from storage";

/**
 * A query that ran out of memory, refused as an execution error (HTTP 422): too big, not
 * broken. The API counts them by `stage`.
 */
export class OutOfMemoryError extends PromQLError {
  constructor(
    readonly stage: "storage" | "evaluation",
    message: string,
  ) {
    super("execution", message);
  }
}

/**
 * True when `error` (or an error it was caused by) says memory ran out: JavaScriptCore's
 * failed allocations ("Out of memory") and DuckDB's ("Out of Memory Error: …").
 */
export function isOutOfMemory(error: unknown): boolean {
  return findCause(error, (e) => /out of memory/i.test(e.message)) !== undefined;
}

/** What a failed storage read is reported as: out of memory is the query's size, else internal. */
export function storageFailure(error: unknown): PromQLError {
  // The query's own stop (its deadline, its cancel), thrown by a check deep in a read and
  // wrapped by the reader on its way out, is the answer.
  const own = causeOfType(error, PromQLError);
  if (own !== undefined) return own;
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB follows its reason with lines of tuning advice for its operator, not the user.
  if (isOutOfMemory(error))
    return new OutOfMemoryError("storage", `${TOO_MANY_STORED}: ${message.split("\n")[0]}`);
  return new PromQLError("internal", message);
}

/** Per-query limits and sample accounting. */
export class Limits {
  /** Samples read from storage or windows, summed over steps (Prometheus's total). */
  total = 0;
  /** The most samples held at once. */
  peak = 0;
  private current = 0;
  private polls = 0;
  private readonly turns = new Turns();

  constructor(
    private readonly deadline: number,
    private readonly maxSamples: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Throws when the query is past its deadline or canceled. */
  check(): void {
    if (this.signal?.aborted) {
      throw new PromQLError("canceled", "query was canceled in expression evaluation");
    }
    if (performance.now() > this.deadline) {
      throw new PromQLError("timeout", "query timed out in expression evaluation");
    }
  }

  /**
   * True when the query has held the thread for its slice (shared/runtime/turns.ts) and
   * should `turn()` at its next async point.
   */
  due(): boolean {
    return this.turns.due();
  }

  /** Checks the limits and, once the slice is spent, lets other work run before going on. */
  async turn(): Promise<void> {
    this.check();
    await this.turns.turn();
    this.check();
  }

  /** A cheaper `check()` for inner loops: reads the clock every 64th call. */
  poll(): void {
    if ((++this.polls & 63) === 0) this.check();
  }

  /**
   * Throws when `n` more samples would exceed the limit: asked before allocating room for
   * them (a subquery's grid), where `hold` counts what was made.
   */
  admit(n: number): void {
    if (this.current + n > this.maxSamples) throw new PromQLError("execution", TOO_MANY_SAMPLES);
  }

  /** Accounts `n` more samples held in memory; throws past the limit. */
  hold(n: number): void {
    this.current += n;
    if (this.current > this.peak) this.peak = this.current;
    if (this.current > this.maxSamples) throw new PromQLError("execution", TOO_MANY_SAMPLES);
  }

  /** Releases `n` samples held before. */
  release(n: number): void {
    this.current -= n;
  }
}
