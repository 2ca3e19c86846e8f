/**
 * A recording rule's output, as Prometheus's RecordingRule builds it: every sample of the
 * result renamed to the rule's `record` with the rule's labels set (an empty one removes the
 * label); two samples with one label set, or more than the group's `limit`, fail the rule.
 */
import type { QueryResult } from "../../promql/value.ts";
import type { RecordingRule } from "../model.ts";
import { labelsKey } from "./alert.ts";
import { type OutputSample, withLabels } from "./output.ts";

/** The samples a recording rule writes for `result`; throws when the rule fails. */
export function recordingOutput(
  rule: RecordingRule,
  result: QueryResult,
  limit: number,
): OutputSample[] {
  const set = { ...rule.labels, __name__: rule.name };
  const samples = resultSamples(result);
  const out: OutputSample[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const labels = withLabels(s.labels, set);
    const key = labelsKey(labels);
    if (seen.has(key))
      throw new Error("vector contains metrics with the same labelset after applying rule labels");
    seen.add(key);
    out.push({ labels, value: s.value });
  }
  if (limit > 0 && out.length > limit)
    throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
  return out;
}

/**
 * A rule query's result as samples: a vector as it is, a scalar as one sample without labels
 * (Prometheus's rule query function does the same).
 */
export function resultSamples(result: QueryResult): OutputSample[] {
  if (result.type === "vector")
    return result.samples.map((s) => ({ labels: s.labels, value: s.v }));
  if (result.type === "scalar") return [{ labels: [], value: result.v }];
  throw new Error("rule result is not a vector or scalar");
}
