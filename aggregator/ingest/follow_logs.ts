/**
 * Follows every tenant's log batches as they enter the stream, through an ordered JetStream
 * consumer of this aggregator's own (new messages only: from the time the first tail opened). The durable consumer splits the
 * stream between aggregators; live tails need all of it, whichever aggregator stores a batch.
 * Nothing is acknowledged: an ordered consumer is ephemeral, and storing is the durable
 * consumer's job. A batch the stream deduplicated (same message id) is delivered once.
 */
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient } from "nats";
import { logger } from "../../shared/log/log.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { AggregatorNatsConfig } from "../config/schema.ts";
import { decodeFrame, type Frame, FrameError } from "./frame.ts";

const log = logger("ingest");

/** A running follow; close() ends it and waits for the batch in hand. */
export interface LogFollow {
  close(): Promise<void>;
}

/** Receives each decoded log batch. */
export type LogFollowSink = (frame: Frame) => void;

/** How far before `sinceMs` to start, for a NATS server whose clock runs behind ours. */
const CLOCK_SLACK_MS = 1_000;

/**
 * Starts following `<subject_prefix>.*.logs.*` from the batches stored since `sinceMs` (Unix
 * ms); resolves once the consumer exists.
 */
export async function followLogs(
  js: JetStreamClient,
  nats: AggregatorNatsConfig,
  sink: LogFollowSink,
  skipped: Metric,
  sinceMs: number,
): Promise<LogFollow> {
  const consumer = await js.consumers.get(nats.stream, {
    filterSubjects: `${nats.subject_prefix}.*.logs.*`,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(sinceMs - CLOCK_SLACK_MS).toISOString(),
    // An aggregator that dies leaves it behind; the server removes it after this (ms).
    inactive_threshold: 30_000,
  });
  const messages = await consumer.consume({ max_messages: 64 });
  const loop = read(messages, nats, sink, skipped);
  return {
    close: async () => {
      await messages.close();
      await loop;
      // Gone now rather than after the inactive threshold; it is ours alone.
      await consumer.delete().catch(() => false);
    },
  };
}

async function read(
  messages: ConsumerMessages,
  nats: AggregatorNatsConfig,
  sink: LogFollowSink,
  skipped: Metric,
): Promise<void> {
  let logged = false;
  try {
    for await (const msg of messages) {
      let frame: Frame;
      try {
        frame = decodeFrame(
          msg.subject,
          nats.subject_prefix,
          msg.headers,
          msg.data,
          nats.max_batch_bytes,
        );
      } catch (err) {
        // The durable consumer parks it on the dead-letter stream; tails only skip it.
        skipped.inc();
        if (!logged) {
          logged = true;
          log.warn("Skipping an undecodable log batch for tails (logged once)", {
            subject: msg.subject,
            seq: msg.seq,
            error: err instanceof FrameError ? err.message : String(err),
          });
        }
        continue;
      }
      sink(frame);
    }
  } catch (err) {
    log.warn("Stopped following log batches for tails", { error: String(err) });
  }
}
