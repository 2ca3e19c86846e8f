/**
 * The PromQL editor's source of completions (codemirror-promql's PrometheusClient) over the
 * Connect query service: metric names are the values of `__name__`, label names and values
 * are narrowed to the metric being typed, HELP and TYPE come from Metadata.
 */
import type { PrometheusClient } from "@prometheus-io/codemirror-promql";
import { queryClient } from "../api/client.ts";

/** How far back the editor looks for names, as Prometheus's UI does. */
const LOOKBACK_MS = 12 * 3_600_000;

function selection(metric?: string) {
  const end = BigInt(Date.now());
  return {
    matchers: metric ? [metric] : [],
    startMs: end - BigInt(LOOKBACK_MS),
    endMs: end,
  };
}

/** Completions for the PromQL editor from this aggregator. */
export const connectPromClient: PrometheusClient = {
  async labelNames(metric) {
    return (await queryClient.labelNames({ selection: selection(metric) })).names;
  },
  async labelValues(name, metric) {
    return (await queryClient.labelValues({ name, selection: selection(metric) })).values;
  },
  async metricNames() {
    return (await queryClient.labelValues({ name: "__name__", selection: selection() })).values;
  },
  async metricMetadata() {
    const out: Record<string, { type: string; help: string }[]> = {};
    for (const m of (await queryClient.metadata({})).metadata) {
      out[m.metric] ??= [];
      out[m.metric].push({ type: m.type, help: m.help });
    }
    return out;
  },
  async series(metric) {
    const res = await queryClient.series({ selection: selection(metric) });
    return res.series.map((s) => new Map(s.labels.map((l) => [l.name, l.value])));
  },
  async flags() {
    return {};
  },
};
