/**
 * Queries to start from on an empty Explore, chosen by the metrics this aggregator has: a
 * first visit sees what `make up` collects instead of an empty editor and no idea what to type.
 */

/** A starting query and the metric it needs. */
const STARTERS: { needs: string; query: string }[] = [
  { needs: "up", query: "up" },
  { needs: "node_cpu_seconds_total", query: "sum by (mode) (rate(node_cpu_seconds_total[5m]))" },
  { needs: "node_memory_MemAvailable_bytes", query: "node_memory_MemAvailable_bytes" },
  {
    needs: "node_network_receive_bytes_total",
    query: "rate(node_network_receive_bytes_total[5m])",
  },
  { needs: "probe_success", query: "avg_over_time(probe_success[1h])" },
  { needs: "outpost_ingest_samples_total", query: "sum(rate(outpost_ingest_samples_total[5m]))" },
];

/** The starters whose metric is among `names` (the values of `__name__`), in a fixed order. */
export function starterQueries(names: readonly string[]): string[] {
  const have = new Set(names);
  return STARTERS.filter((s) => have.has(s.needs)).map((s) => s.query);
}
