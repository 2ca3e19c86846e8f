import type { Metric, Registry } from "../../shared/metrics/registry.ts";

/** The ingest consumer's self-metrics. */
export class IngestMetrics {
  readonly received: Metric;
  readonly receivedBytes: Metric;
  readonly samples: Metric;
  readonly acked: Metric;
  readonly redelivered: Metric;
  readonly skipped: Metric;
  readonly unchecked: Metric;
  readonly deadLettered: Metric;
  readonly deadLetterErrors: Metric;
  readonly fetchErrors: Metric;

  constructor(r: Registry) {
    this.received = r.counter("outpost_ingest_batches_total", "Batches delivered by JetStream.");
    this.receivedBytes = r.counter(
      "outpost_ingest_bytes_total",
      "Compressed bytes of the batches delivered by JetStream.",
    );
    this.samples = r.counter("outpost_ingest_samples_total", "Samples accepted into the head.");
    this.acked = r.counter(
      "outpost_ingest_acked_batches_total",
      "Batches acknowledged after their data was committed to Parquet.",
    );
    this.redelivered = r.counter(
      "outpost_ingest_redelivered_batches_total",
      "Batches JetStream delivered again while this aggregator still held them.",
    );
    this.skipped = r.counter(
      "outpost_ingest_skipped_batches_total",
      "Redelivered batches skipped because a committed file already holds them.",
    );
    this.unchecked = r.counter(
      "outpost_ingest_batches_unchecked_total",
      "Batches accepted without a checksum to verify (sent by an agent older than checksums).",
    );
    this.deadLettered = r.counter(
      "outpost_ingest_dead_lettered_batches_total",
      "Batches that could not be read, parked on the dead-letter stream, by reason.",
      ["reason"],
    );
    this.deadLetterErrors = r.counter(
      "outpost_ingest_dead_letter_errors_total",
      "Unreadable batches that could not be parked on the dead-letter stream yet (retried).",
    );
    this.fetchErrors = r.counter(
      "outpost_ingest_fetch_errors_total",
      "Failed pulls from the consumer (retried).",
    );
  }
}
