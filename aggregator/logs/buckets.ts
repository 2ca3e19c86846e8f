/** Joining per-stream bucket counts (LogQuerier.buckets) of several sources. */
import type { LogBuckets } from "./source.ts";
import { StreamTable } from "./streams.ts";

/** Joins bucket counts of several sources into one table (a stream's cells may repeat). */
export function concatBuckets(parts: readonly LogBuckets[]): LogBuckets {
  if (parts.length === 1) return parts[0];
  const table = new StreamTable();
  let length = 0;
  for (const p of parts) length += p.length;
  const out = {
    streams: table.labels,
    length,
    stream: new Int32Array(length),
    bucket: new Int32Array(length),
    count: new Float64Array(length),
    bytes: new Float64Array(length),
  };
  let r = 0;
  for (const p of parts) {
    const map = p.streams.map((labels) => table.id(labels));
    for (let i = 0; i < p.length; i++, r++) {
      out.stream[r] = map[p.stream[i]];
      out.bucket[r] = p.bucket[i];
      out.count[r] = p.count[i];
      out.bytes[r] = p.bytes[i];
    }
  }
  return out;
}
