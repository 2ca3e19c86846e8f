import type { Metric, Registry, Value } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import type { MetricMetadata } from "../../shared/model/sample.ts";

/** Where a component sits in the pipeline. */
export type ComponentKind = "source" | "transform" | "sink";

/**
 * The contract every long-lived pipeline component follows (after Vector's component spec):
 * it starts with a signal, stops on request, and reports the same four counters.
 */
export interface Component {
  readonly id: string;
  start(signal: AbortSignal): void | Promise<void>;
  stop(): Promise<void>;
}

/** Anything that accepts blocks of samples: a transform or a sink. Must not keep `block`. */
export interface SampleConsumer {
  consume(block: SampleBlock): void;
  /** HELP/TYPE/UNIT of a target's metric families, passed on when they are new or changed. */
  consumeMetadata?(metadata: readonly MetricMetadata[]): void;
}

/**
 * The self-metrics every component emits, labelled by component id, kind and type.
 * Runtime problems are counted here and logged, not thrown.
 */
export class ComponentMetrics {
  readonly received: Value;
  readonly sent: Value;
  readonly discarded: Value;
  readonly errors: Value;

  constructor(registry: Registry, id: string, kind: ComponentKind, type: string) {
    const labels = { component_id: id, component_kind: kind, component_type: type };
    this.received = family(
      registry,
      "received_events_total",
      "Samples received by the component.",
    ).labels(labels);
    this.sent = family(
      registry,
      "sent_events_total",
      "Samples passed downstream by the component.",
    ).labels(labels);
    this.discarded = family(
      registry,
      "discarded_events_total",
      "Samples the component dropped.",
    ).labels(labels);
    this.errors = family(registry, "errors_total", "Errors the component met and survived.").labels(
      labels,
    );
  }
}

function family(registry: Registry, suffix: string, help: string): Metric {
  return registry.counter(`outpost_component_${suffix}`, help, [
    "component_id",
    "component_kind",
    "component_type",
  ]);
}

/**
 * Anything that accepts log records: the `nats` sink. `push()` returns a promise that settles
 * once the batch holding these records has left the agent for good — resolved after
 * JetStream's PubAck, or after the batch was dropped (counted by the sink) — so that a file
 * source can advance its checkpoint only past delivered lines. Must not keep `records`' array.
 */
export interface LogConsumer {
  pushLogs(records: readonly LogRecord[], origin?: LogOrigin): Promise<void>;
  /**
   * Log batches spooled by an earlier run and not yet acknowledged, with the furthest offset
   * each holds per file, so that a restarted file source resumes after them rather than
   * reading their lines twice. `delivered` settles like `pushLogs()`'s promise.
   */
  pendingLogs?(): { offsets: ReadonlyMap<string, number>; delivered: Promise<void> }[];
}

/** Where pushed records came from: the file key and the byte offset just past them. */
export interface LogOrigin {
  readonly file: string;
  readonly offset: number;
}
