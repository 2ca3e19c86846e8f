import type { Histogram, Metric, Registry } from "../../shared/metrics/registry.ts";

/** The store's self-metrics: head size, flushes. */
export class StoreMetrics {
  readonly flushDuration: Histogram;
  readonly flushedSamples: Metric;
  readonly flushedFiles: Metric;
  readonly flushErrors: Metric;

  constructor(r: Registry, head: () => { series: number; samples: number; bytes: number }) {
    this.flushDuration = r.histogram(
      "outpost_flush_duration_seconds",
      "Time to write, upload and commit one flush.",
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.flushedSamples = r.counter(
      "outpost_flush_samples_total",
      "Samples committed to Parquet by flushes.",
    );
    this.flushedFiles = r.counter(
      "outpost_flush_files_total",
      "Parquet files committed by flushes.",
    );
    this.flushErrors = r.counter("outpost_flush_errors_total", "Flushes that failed (retried).");
    const series = r.gauge("outpost_head_series", "Series held in the head.");
    const samples = r.gauge("outpost_head_samples", "Samples held in the head.");
    const bytes = r.gauge("outpost_head_bytes", "Estimated memory held by the head.");
    series.onCollect(() => {
      const s = head();
      series.set(s.series);
      samples.set(s.samples);
      bytes.set(s.bytes);
    });
  }
}
