/**
 * Sends each batch to the store of its signal (the subject's `<signal>` part): metrics to the
 * metrics store, logs to the logs store. Both share the catalog, so "already committed" is one
 * question whatever the signal.
 */
import type { IngestSink } from "./consumer.ts";
import type { Frame } from "./frame.ts";

/** A sink per signal; unknown signals are refused by the frame decoder before they get here. */
export class SignalRouter implements IngestSink {
  constructor(
    private readonly metrics: IngestSink,
    private readonly logs: Pick<IngestSink, "accept" | "drained">,
  ) {}

  accept(frame: Frame, seq: number): boolean {
    return frame.signal === "logs" ? this.logs.accept(frame, seq) : this.metrics.accept(frame, seq);
  }

  isCommitted(seq: number, redelivered: boolean): Promise<boolean> {
    return this.metrics.isCommitted(seq, redelivered);
  }

  async drained(): Promise<void> {
    await Promise.all([this.metrics.drained(), this.logs.drained()]);
  }
}
