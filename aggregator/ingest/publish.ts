/**
 * Publishes rule evaluation output into the ingest stream as one batch, like an agent's, so
 * the consumer stores it like any batch. The message id is the evaluator's (group and
 * evaluation time), signed with the aggregators' shared key (message_ids.ts): a second
 * aggregator evaluating the same tick is dropped as a duplicate, and no agent can take the id
 * first.
 */
import { type JetStreamClient, headers as natsHeaders } from "nats";
import { CHECKSUM_HEADER, checksumOf } from "../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  compress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import type { OutputBatch, RuleOutputSink } from "../rules/eval/deps.ts";
import { signedMessageId } from "./message_ids.ts";

/** The agent name rule output is published under: `<prefix>.<tenant>.metrics.rules`. */
export const RULES_AGENT = "rules";

/** A {@link RuleOutputSink} over JetStream. */
export class RuleBatchPublisher implements RuleOutputSink {
  constructor(
    private readonly js: () => JetStreamClient | null,
    private readonly subjectPrefix: string,
    /** The aggregators' shared key for message ids (message_ids.ts). */
    private readonly key: () => Promise<Uint8Array>,
  ) {}

  /** Encodes, compresses and publishes the batch; resolves once JetStream stored (or dropped) it. */
  async publish(batch: OutputBatch): Promise<{ duplicate: boolean }> {
    const js = this.js();
    if (!js) throw new Error("Cannot publish rule output: not connected to NATS");
    const raw = encode(batch);
    const h = natsHeaders();
    h.set(CODEC_HEADER, "lz4");
    h.set(SCHEMA_HEADER, SCHEMA_INGEST_V1);
    h.set(CHECKSUM_HEADER, checksumOf(raw));
    const subject = `${this.subjectPrefix}.${batch.tenant}.metrics.${RULES_AGENT}`;
    const msgID = signedMessageId(await this.key(), batch.tenant, batch.msgId);
    const ack = await js.publish(subject, compress("lz4", raw), { msgID, headers: h });
    return { duplicate: ack.duplicate };
  }
}

function encode(batch: OutputBatch): Uint8Array {
  const block = new SampleBlock(Math.max(1, batch.labels.length));
  batch.labels.forEach((labels, i) => {
    const series = { labels };
    if (batch.stale[i]) block.pushStale(series, batch.timestamp);
    else block.push(series, batch.timestamp, batch.values[i]);
  });
  const encoder = new BatchEncoder();
  encoder.addBlock(block);
  return encoder.finish();
}
