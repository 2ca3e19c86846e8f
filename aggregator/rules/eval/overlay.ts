/**
 * What lets a rule read the recording rules before it in the same evaluation. In Prometheus
 * each rule's output is committed to the TSDB before the next rule runs; here the output of a
 * whole evaluation is published as one batch at its end and reaches storage through
 * JetStream, so this overlay adds the samples written so far (at the evaluation time) to what
 * storage returns.
 */
import { compareLabels } from "../../../shared/model/labels.ts";
import { compileMatchers, metricNamesOf } from "../../storage/matchers.ts";
import type {
  LabelMatcher,
  Querier,
  Queryable,
  SeriesSamples,
  TimeRange,
} from "../../storage/storage.ts";
import type { OutputSample } from "./output.ts";

/** Samples by metric name, as the group collects its output. */
export type OutputByName = ReadonlyMap<string, readonly OutputSample[]>;

/** `base` plus `extra`, samples all at `ts`. `extra` may grow while the overlay is used. */
export function overlayQueryable(base: Queryable, extra: OutputByName, ts: number): Queryable {
  return {
    async querier(): Promise<Querier> {
      const inner = await base.querier();
      return {
        select: async (matchers, range) =>
          merge(await inner.select(matchers, range), extra, ts, matchers, range),
        labelNames: (m, r) => inner.labelNames(m, r),
        labelValues: (n, m, r) => inner.labelValues(n, m, r),
        close: () => inner.close(),
      };
    },
  };
}

function merge(
  stored: SeriesSamples[],
  extra: OutputByName,
  ts: number,
  matchers: readonly LabelMatcher[],
  range: TimeRange,
): SeriesSamples[] {
  if (extra.size === 0 || ts < range.start || ts > range.end) return stored;
  const names = metricNamesOf(matchers) ?? [...extra.keys()];
  const candidates = names.flatMap((name) => extra.get(name) ?? []);
  if (candidates.length === 0) return stored;
  const matches = compileMatchers(matchers);
  const out = stored;
  for (const sample of candidates) {
    if (!matches(sample.labels)) continue;
    const i = out.findIndex((s) => compareLabels(s.labels, sample.labels) === 0);
    if (i === -1) {
      out.push(single(sample, ts));
      continue;
    }
    const s = out[i];
    if (s.length > 0 && s.timestamps[s.length - 1] >= ts) continue;
    out[i] = appended(s, sample.value, ts);
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

function single(sample: OutputSample, ts: number): SeriesSamples {
  return {
    labels: sample.labels,
    length: 1,
    timestamps: Float64Array.of(ts),
    values: Float64Array.of(sample.value),
  };
}

/** The series with one more sample; `set` copies the bits, so staleness markers survive. */
function appended(s: SeriesSamples, value: number, ts: number): SeriesSamples {
  const timestamps = new Float64Array(s.length + 1);
  const values = new Float64Array(s.length + 1);
  timestamps.set(s.timestamps.subarray(0, s.length));
  values.set(s.values.subarray(0, s.length));
  timestamps[s.length] = ts;
  values[s.length] = value;
  return { labels: s.labels, length: s.length + 1, timestamps, values };
}
