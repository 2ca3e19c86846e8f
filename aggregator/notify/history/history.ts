/**
 * Alert history in an aggregator or `outpost notifier`: the writer its rules and notifier record
 * into, published once NATS is connected. The API that reads it back from the log store is
 * api/history.ts, on the aggregators only.
 */
import type { Registry } from "../../../shared/metrics/registry.ts";
import { LatePublisher } from "../../ownlog/writer.ts";
import type { RuleAlertChange } from "../../rules/eval/deps.ts";
import { type Batching, DEFAULT_BATCHING } from "./batch.ts";
import type { HistoryRecord } from "./record.ts";
import { ruleStateRecords } from "./rule_states.ts";
import { type HistoryPublisher, type HistorySink, HistoryWriter } from "./writer.ts";

/** An aggregator's alert history for one tenant. */
export class AlertHistory implements HistorySink {
  private readonly publisher = new LatePublisher("alert history");
  private readonly writer: HistoryWriter;

  constructor(
    readonly tenant: string,
    registry: Registry,
    batching: Batching = DEFAULT_BATCHING,
  ) {
    this.writer = new HistoryWriter(this.publisher, tenant, registry, batching);
  }

  /** Publishes through `publisher` from now on (the ingest consumer's connection). */
  connect(publisher: HistoryPublisher): void {
    this.publisher.connect(publisher);
  }

  /** Queues one record. */
  record(r: HistoryRecord): void {
    this.writer.record(r);
  }

  /** Records the state changes of a rule group's evaluation. */
  fromRules(group: { file: string; name: string }, changes: readonly RuleAlertChange[]): void {
    for (const r of ruleStateRecords(group, changes)) this.writer.record(r);
  }

  /** Sends what is queued now and resolves once every record was published or dropped. */
  drained(): Promise<void> {
    return this.writer.drained();
  }

  /** Sends what is queued for at most `timeoutMs`, then drops (and counts) the rest. */
  stop(timeoutMs: number): Promise<void> {
    return this.writer.stop(timeoutMs);
  }
}
