/**
 * Writes history records into the ingest stream through the writer shared with the audit log
 * (ownlog/writer.ts), in batches (batch.ts) under ids derived from their records'
 * (record.ts), in the background: the evaluator and the dispatcher never wait on NATS.
 */
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type OwnLogPublisher, OwnLogWriter } from "../../ownlog/writer.ts";
import { type Batching, DEFAULT_BATCHING, HISTORY_CODEC } from "./batch.ts";
import type { HistoryRecord } from "./record.ts";

export { MAX_QUEUED } from "../../ownlog/writer.ts";

/** The `<agent>` of the subject history is published on: `<prefix>.<tenant>.logs.alert_history`. */
export const HISTORY_WRITER = "alert_history";

/** Where records go: aggregator/ingest/publish_logs.ts in an aggregator, memory in tests. */
export type HistoryPublisher = OwnLogPublisher;

/** Something records are handed to (the writer; tests collect them). */
export interface HistorySink {
  record(r: HistoryRecord): void;
}

/** The history writer of one tenant. */
export class HistoryWriter extends OwnLogWriter<HistoryRecord> implements HistorySink {
  constructor(
    publisher: HistoryPublisher,
    tenant: string,
    registry: Registry,
    batching: Batching = DEFAULT_BATCHING,
  ) {
    const written = registry.counter(
      "outpost_alert_history_records_total",
      "Alert history records, by kind and outcome (stored, duplicate, dropped).",
      ["kind", "outcome"],
    );
    super(
      {
        ...HISTORY_CODEC,
        writer: HISTORY_WRITER,
        what: "alert history",
        count(records, outcome) {
          let states = 0;
          for (const r of records) if (r.kind === "state") states++;
          if (states > 0) written.labels({ kind: "state", outcome }).inc(states);
          const notifications = records.length - states;
          if (notifications > 0)
            written.labels({ kind: "notification", outcome }).inc(notifications);
        },
      },
      publisher,
      tenant,
      batching,
    );
  }
}
