/**
 * Log streams in Loki's two JSON encodings. By default Loki merges a line's structured
 * metadata into its stream labels, so lines with different metadata belong to different
 * streams, and each value is `[ns, line]`. With the `categorize-labels` encoding flag
 * (`X-Loki-Response-Encoding-Flags`, which Grafana sends), the stream keeps its own labels
 * and each value carries its metadata: `[ns, line, {"structuredMetadata": {…}}]`.
 */
import type { StreamResult } from "../../../logs/result.ts";

/** The encoding flag that keeps structured metadata beside the line. */
export const CATEGORIZE_LABELS = "categorize-labels";
/** Loki renames a metadata name that the stream labels already hold. */
const DUPLICATE_SUFFIX = "_extracted";

type Value = StreamResult["values"][number];

/** Streams with the metadata merged into their labels (Loki's default encoding). */
export function mergedStreamsJson(streams: readonly StreamResult[]): string {
  const groups = new Map<string, { stream: Record<string, string>; values: string[] }>();
  const parts: string[] = [];
  for (const s of streams) {
    if (!s.values.some(hasMetadata)) {
      parts.push(streamJson(s.stream, s.values.map(pairJson)));
      continue;
    }
    for (const v of s.values) {
      const stream = hasMetadata(v) ? merge(s.stream, v[2]!) : s.stream;
      const key = labelsKey(stream);
      let group = groups.get(key);
      if (group === undefined) {
        group = { stream, values: [] };
        groups.set(key, group);
      }
      group.values.push(pairJson(v));
    }
  }
  for (const g of groups.values()) parts.push(streamJson(g.stream, g.values));
  return `[${parts.join(",")}]`;
}

/** Streams with their own labels and each line's metadata beside it (`categorize-labels`). */
export function categorizedStreamsJson(streams: readonly StreamResult[]): string {
  const parts = streams.map((s) =>
    streamJson(
      s.stream,
      s.values.map((v) => {
        const meta = hasMetadata(v) ? `{"structuredMetadata":${JSON.stringify(v[2])}}` : "{}";
        return `["${v[0]}",${JSON.stringify(v[1])},${meta}]`;
      }),
    ),
  );
  return `[${parts.join(",")}]`;
}

function streamJson(stream: Record<string, string>, values: readonly string[]): string {
  return `{"stream":${JSON.stringify(stream)},"values":[${values.join(",")}]}`;
}

function pairJson(v: Value): string {
  return `["${v[0]}",${JSON.stringify(v[1])}]`;
}

function hasMetadata(v: Value): boolean {
  if (v.length < 3) return false;
  for (const _ in v[2]) return true;
  return false;
}

function merge(
  stream: Record<string, string>,
  meta: Record<string, string>,
): Record<string, string> {
  const out = { ...stream };
  for (const [name, value] of Object.entries(meta)) {
    out[name in stream ? `${name}${DUPLICATE_SUFFIX}` : name] = value;
  }
  return out;
}

function labelsKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\xff${labels[k]}`)
    .join("\xfe");
}
