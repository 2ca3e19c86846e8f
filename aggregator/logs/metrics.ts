/** Self-metrics of the logs store. */
import type { Registry } from "../../shared/metrics/registry.ts";

/** Counters and gauges of the logs store; `stats` feeds the head gauges at scrape time. */
export function logsStoreMetrics(r: Registry, stats: () => { records: number; bytes: number }) {
  const headRecords = r.gauge(
    "outpost_logs_head_records",
    "Log records in memory, not yet in Parquet.",
  );
  const headBytes = r.gauge("outpost_logs_head_bytes", "Approximate memory held by the logs head.");
  headRecords.onCollect(() => {
    const s = stats();
    headRecords.set(s.records);
    headBytes.set(s.bytes);
  });
  const m = {
    records: r.counter("outpost_logs_ingested_records_total", "Log records received from agents."),
    bytes: r.counter(
      "outpost_logs_ingested_bytes_total",
      "Line bytes of the log records received.",
    ),
    flushedFiles: r.counter(
      "outpost_logs_flushed_files_total",
      "Parquet log files committed by flushes.",
    ),
    flushErrors: r.counter(
      "outpost_logs_flush_errors_total",
      "Log flushes that failed (retried at the next flush).",
    ),
    flushDuration: r.histogram(
      "outpost_logs_flush_duration_seconds",
      "Time to write and commit one logs flush.",
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
  };
  for (const c of [m.records, m.bytes, m.flushedFiles, m.flushErrors]) c.inc(0);
  return m;
}
