/**
 * Publishes audit records straight into the ingest stream, each alone under its own message
 * id: for a command line tool (`outpost user/token`), whose changes the aggregators also see in
 * NATS KV under the same ids; this copy, published first, is the one that names the actor.
 */
import type { OwnLogPublisher } from "../ownlog/writer.ts";
import { AUDIT_CODEC, AUDIT_WRITER, type AuditInput, auditRecord } from "./record.ts";

/** Publishes `inputs` for `tenant`; resolves once JetStream stored (or dropped) each. */
export async function publishAudit(
  publisher: OwnLogPublisher,
  tenant: string,
  inputs: readonly AuditInput[],
): Promise<void> {
  for (const input of inputs) {
    const r = auditRecord(input);
    await publisher.publish({
      msgId: AUDIT_CODEC.batchMsgId(tenant, [r.id]),
      tenant,
      writer: AUDIT_WRITER,
      records: [AUDIT_CODEC.toLogRecord(r, r.id)],
    });
  }
}
