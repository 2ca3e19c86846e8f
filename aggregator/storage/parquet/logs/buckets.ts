/**
 * The `buckets()` pushdown: records and line bytes per (stream, bucket) in one GROUP BY.
 * Without line filters it reads `stream`, `ts` and `line_bytes` only, never the lines.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Labels } from "../../../../shared/model/labels.ts";
import type { LogBuckets } from "../../../logs/source.ts";
import { scanChunks } from "../chunks.ts";
import { type BucketQuery, bucketsSql } from "./sql.ts";

/** The answer when nothing matches. */
export const NO_BUCKETS: LogBuckets = Object.freeze({
  streams: [],
  length: 0,
  stream: new Int32Array(0),
  bucket: new Int32Array(0),
  count: new Float64Array(0),
  bytes: new Float64Array(0),
});

/** Runs the bucket count of `q`; `streams` are the labels of `q.streams.texts`, in order. */
export async function readBuckets(
  conn: DuckDBConnection,
  q: BucketQuery,
  streams: readonly Labels[],
): Promise<LogBuckets> {
  if (q.paths.length === 0) return NO_BUCKETS;
  const parts: {
    stream: Int32Array;
    bucket: Int32Array;
    count: Float64Array;
    bytes: Float64Array;
  }[] = [];
  await scanChunks(conn, bucketsSql(q), (view) => {
    // Views die with the chunk: copy.
    parts.push({
      stream: view.i32(0).slice(),
      bucket: view.i32(1).slice(),
      count: view.f64(2).slice(),
      bytes: view.f64(3).slice(),
    });
  });
  const length = parts.reduce((n, p) => n + p.stream.length, 0);
  const out = {
    streams,
    length,
    stream: new Int32Array(length),
    bucket: new Int32Array(length),
    count: new Float64Array(length),
    bytes: new Float64Array(length),
  };
  let at = 0;
  for (const p of parts) {
    out.stream.set(p.stream, at);
    out.bucket.set(p.bucket, at);
    out.count.set(p.count, at);
    out.bytes.set(p.bytes, at);
    at += p.stream.length;
  }
  return out;
}
