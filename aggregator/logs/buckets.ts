/** Joining per-stream bucket counts (LogQuerier.buckets) of several sources. */
import type { Labels } from "../../shared/model/labels.ts";
import type { LogBuckets } from "./source.ts";

/** Joins bucket counts of several sources into one table (a stream's cells may repeat). */
export function concatBuckets(parts: readonly LogBuckets[]): LogBuckets {
  if (parts.length === 1) return parts[0];
  const streams: Labels[] = [];
  const ids = new Map<string, number>();
  let length = 0;
  for (const p of parts) length += p.length;
  const out = {
    streams,
    length,
    stream: new Int32Array(length),
    bucket: new Int32Array(length),
    count: new Float64Array(length),
    bytes: new Float64Array(length),
  };
  let r = 0;
  for (const p of parts) {
    const map = p.streams.map((labels) => {
      const key = labels.join("\xff");
      let id = ids.get(key);
      if (id === undefined) {
        id = streams.length;
        ids.set(key, id);
        streams.push(labels);
      }
      return id;
    });
    for (let i = 0; i < p.length; i++, r++) {
      out.stream[r] = map[p.stream[i]];
      out.bucket[r] = p.bucket[i];
      out.count[r] = p.count[i];
      out.bytes[r] = p.bytes[i];
    }
  }
  return out;
}
