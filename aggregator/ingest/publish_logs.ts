/**
 * Publishes log records the aggregator itself writes (alert history) into the ingest stream,
 * encoded as an agent's log batch, so the consumer stores them like any log line. The caller
 * chooses the message id: a second aggregator publishing the same record is a duplicate. It is
 * signed with the aggregators' shared key on the wire (message_ids.ts).
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
import type { LogRecord } from "../../shared/model/log.ts";
import { signedMessageId } from "./message_ids.ts";

/** A batch of log records to publish under one message id. */
export interface OwnLogBatch {
  readonly msgId: string;
  readonly tenant: string;
  /** The `<agent>` part of the subject: who wrote the lines. */
  readonly writer: string;
  readonly records: readonly LogRecord[];
}

/** Log records of the aggregator's own over JetStream. */
export class LogBatchPublisher {
  constructor(
    private readonly js: () => JetStreamClient | null,
    private readonly subjectPrefix: string,
    /** The aggregators' shared key for message ids (message_ids.ts). */
    private readonly key: () => Promise<Uint8Array>,
  ) {}

  /** Encodes, compresses and publishes; resolves once JetStream stored (or dropped) it. */
  async publish(batch: OwnLogBatch): Promise<{ duplicate: boolean }> {
    const js = this.js();
    if (!js) throw new Error("Cannot publish log records: not connected to NATS");
    const encoder = new BatchEncoder();
    for (const r of batch.records) encoder.addLog(r);
    const raw = encoder.finish();
    const h = natsHeaders();
    h.set(CODEC_HEADER, "zstd");
    h.set(SCHEMA_HEADER, SCHEMA_INGEST_V1);
    h.set(CHECKSUM_HEADER, checksumOf(raw));
    const subject = `${this.subjectPrefix}.${batch.tenant}.logs.${batch.writer}`;
    const ack = await js.publish(subject, compress("zstd", raw, 3), {
      msgID: signedMessageId(await this.key(), batch.tenant, batch.msgId),
      headers: h,
    });
    return { duplicate: ack.duplicate };
  }
}
