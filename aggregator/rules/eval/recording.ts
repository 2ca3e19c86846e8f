/**
 * A recording rule's output, as Prometheus's RecordingRule builds it: every sample of the
 * result renamed to the rule's `record` with the rule's labels set (an empty one removes the
 * label); two samples with one label set, or more than the group's `limit`, fail the rule.
 */
import type { QueryResult } from "../../promql/value.ts";
import type { RecordingRule } from "../model.ts";
import { heldLabelsKey } from "./alert.ts";
import { LabelMerge } from "./label_merge.ts";
import type { OutputSample } from "./output.ts";

/** Each rule's label changes, prepared at its first evaluation (rules are replaced on reload, never changed). */
const merges = new WeakMap<RecordingRule, LabelMerge>();

function mergeOf(rule: RecordingRule): LabelMerge {
  let merge = merges.get(rule);
  if (!merge) {
    merge = new LabelMerge({ ...rule.labels, __name__: rule.name });
    merges.set(rule, merge);
  }
  return merge;
}

/**
 * The samples a recording rule writes for `result`; throws when the rule fails. With
 * `reference`, each series' labels are rebuilt as Prometheus's `labels.Builder` does instead of
 * merged through the rule's prepared changes (label_merge.ts).
 */
export function recordingOutput(
  rule: RecordingRule,
  result: QueryResult,
  limit: number,
  reference = false,
): OutputSample[] {
  const merge = mergeOf(rule);
  const samples = resultSamples(result);
  const out: OutputSample[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const labels = reference ? merge.applyReference(s.labels) : merge.apply(s.labels);
    const key = heldLabelsKey(labels);
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
