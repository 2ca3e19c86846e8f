/**
 * An aggregator's audit log for one tenant: `audit(input)` queues a record for the writer
 * shared with the alert history (ownlog/writer.ts), which publishes once NATS is connected.
 * A record whose id is derived from its change (users, tokens: auth_changes.ts) goes out
 * alone under a message id of its own, so the copy another aggregator records from the KV
 * watch is a JetStream duplicate; the rest go in batches. Every change is also logged at info
 * level, without its summary of changes.
 */
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import { type Batching, DEFAULT_BATCHING, UNBATCHED } from "../ownlog/batch.ts";
import { LatePublisher, type OwnLogPublisher, OwnLogWriter } from "../ownlog/writer.ts";
import {
  AUDIT_CODEC,
  AUDIT_WRITER,
  type AuditInput,
  type AuditRecord,
  auditRecord,
} from "./record.ts";

const log = logger("audit");

/** The audit log of one tenant. */
export class AuditLog {
  private readonly publisher = new LatePublisher("audit records");
  private readonly writer: OwnLogWriter<AuditRecord>;
  private readonly alone: OwnLogWriter<AuditRecord>;

  constructor(
    readonly tenant: string,
    registry: Registry,
    batching: Batching = DEFAULT_BATCHING,
    private readonly now: () => number = Date.now,
  ) {
    const written = registry.counter(
      "outpost_audit_records_total",
      "Audit records, by outcome of their publishing (stored, duplicate, dropped).",
      ["outcome"],
    );
    const kind = {
      ...AUDIT_CODEC,
      writer: AUDIT_WRITER,
      what: "audit records",
      count: (records: readonly AuditRecord[], outcome: string) =>
        written.labels({ outcome }).inc(records.length),
    };
    this.writer = new OwnLogWriter(kind, this.publisher, tenant, batching);
    this.alone = new OwnLogWriter(kind, this.publisher, tenant, UNBATCHED);
  }

  /** Publishes through `publisher` from now on (the ingest consumer's connection). */
  connect(publisher: OwnLogPublisher): void {
    this.publisher.connect(publisher);
  }

  /** Records one change; returns the record queued. Never throws. */
  readonly audit = (input: AuditInput): AuditRecord => {
    const r = auditRecord(input, this.now());
    log.info("Audit", {
      action: r.action,
      outcome: r.outcome,
      actor: r.actor.name,
      source: r.source,
      target: r.target,
    });
    (input.id === undefined ? this.writer : this.alone).record(r);
    return r;
  };

  /** Sends what is queued now and resolves once every record was published or dropped. */
  async drained(): Promise<void> {
    await Promise.all([this.writer.drained(), this.alone.drained()]);
  }

  /** Sends what is queued for at most `timeoutMs`, then drops (and counts) the rest. */
  async stop(timeoutMs: number): Promise<void> {
    await Promise.all([this.writer.stop(timeoutMs), this.alone.stop(timeoutMs)]);
  }
}
