/**
 * A query's deadline: aborts the engine's signal when the client goes away or the timeout
 * passes, and answers at that moment even if the engine has not noticed yet, so one runaway
 * query never holds a client past its timeout.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { PromQLError } from "../../promql/value.ts";
import { invalidParam } from "./errors.ts";

/** The abort signal and clock a query runs under; `dispose()` once it settled. */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onClientGone = () =>
    this.controller.abort(
      new OutpostError("canceled", "query was canceled in expression evaluation"),
    );

  constructor(
    private readonly client: AbortSignal,
    timeoutMs: number | undefined,
  ) {
    if (client.aborted) this.onClientGone();
    else client.addEventListener("abort", this.onClientGone, { once: true });
    if (timeoutMs !== undefined) {
      const expire = (stage: string) =>
        this.controller.abort(new OutpostError("timeout", `query timed out in ${stage}`));
      // `timeout=0` is a deadline that has passed already, as in Prometheus: the query is
      // parsed (and refused if it does not parse), then times out before it runs.
      if (timeoutMs <= 0) expire("query execution");
      else
        this.timer = setTimeout(
          () => expire("expression evaluation"),
          Math.min(timeoutMs, 2 ** 31 - 1),
        );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Settles with `work`, or rejects as soon as the deadline passes. Past its deadline already,
   * it waits for `work`: the engine parses first and sees the aborted signal before reading.
   */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return work.then(() => Promise.reject(signal.reason));
    return new Promise<T>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      work.then(resolve, reject);
    });
  }

  /**
   * The error to report. A query that does not parse is bad data whatever the deadline, as in
   * Prometheus, which parses before it looks at the clock; otherwise the deadline's own reason
   * wins over the engine's view of it.
   */
  explain(err: unknown): unknown {
    // The engine reports a query it could not parse or type-check as bad data, as
    // Prometheus reports it: against the `query` parameter.
    if (err instanceof PromQLError && err.type === "bad_data") return invalidParam("query", err);
    if (this.controller.signal.aborted) return this.controller.signal.reason;
    return err;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.client.removeEventListener("abort", this.onClientGone);
  }
}
