import { compressSync, uncompressSync } from "lz4-napi";

/** Wire compression codecs; the name travels in the `Outpost-Codec` message header. */
export type Codec = "lz4" | "zstd" | "none";

/** Header naming the codec of a batch payload. */
export const CODEC_HEADER = "Outpost-Codec";
/** Header naming the payload schema, so an aggregator can refuse what it does not know. */
export const SCHEMA_HEADER = "Outpost-Schema";
/** The schema this code writes and reads. */
export const SCHEMA_INGEST_V1 = "outpost.ingest.v1.Batch";

/**
 * Compresses a batch payload. lz4 is the default: cheapest on the agent's CPU. `zstdLevel`
 * (default 1) trades CPU for size; log batches use a higher one.
 */
export function compress(codec: Codec, data: Uint8Array, zstdLevel = 1): Uint8Array {
  switch (codec) {
    case "lz4":
      return compressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    case "zstd":
      return Bun.zstdCompressSync(data, { level: zstdLevel });
    case "none":
      return data;
  }
}

/**
 * Decompresses a batch payload, refusing output larger than `maxBytes` (a compressed bomb must
 * not take the aggregator's memory).
 */
export function decompress(codec: string, data: Uint8Array, maxBytes: number): Uint8Array {
  let out: Uint8Array;
  switch (codec) {
    case "lz4":
      out = uncompressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      break;
    case "zstd":
      out = Bun.zstdDecompressSync(data);
      break;
    case "none":
      out = data;
      break;
    default:
      throw new TypeError(`Cannot decompress batch: unknown codec "${codec}"`);
  }
  if (out.length > maxBytes) {
    throw new RangeError(
      `Cannot decompress batch: ${out.length} bytes exceed the limit of ${maxBytes}`,
    );
  }
  return out;
}
