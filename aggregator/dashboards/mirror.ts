/**
 * The dashboards' buckets hold JSON records, each mirrored in memory (ingest/kv_mirror.ts) so
 * that search and listings never wait on NATS and a change made through any aggregator is
 * seen by all.
 */
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import { KvMirror, type MirrorChange } from "../ingest/kv_mirror.ts";

/** Decodes a record's bytes. */
export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/** Encodes a record. */
export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** A bucket of JSON records in memory; `index` sees each record set or dropped. */
export function jsonMirror<T>(
  kv: KeyValueStore,
  bucket: string,
  undecodable?: Metric,
  index?: MirrorChange<T>,
): KvMirror<T> {
  return new KvMirror<T>(kv, bucket, {
    decode: decodeJson,
    encode: encodeJson,
    component: "dashboards",
    undecodable,
    index,
  });
}
