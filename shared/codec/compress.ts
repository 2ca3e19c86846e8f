import { compressSync } from "lz4-napi";
import { lz4Decompress } from "./lz4.ts";
import { zstdDecompress } from "./zstd.ts";

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
 * Decompresses a batch payload into at most `maxBytes`, enforced before and while allocating
 * (a lying size prefix or a compressed bomb must not take the aggregator's memory): a
 * RangeError when the output would pass the limit, a TypeError for an unknown codec, an Error
 * when the payload cannot be decoded.
 */
export function decompress(codec: string, data: Uint8Array, maxBytes: number): Uint8Array {
  switch (codec) {
    case "lz4":
      return lz4Decompress(data, maxBytes);
    case "zstd":
      return zstdDecompress(data, maxBytes);
    case "none":
      if (data.length > maxBytes) {
        throw new RangeError(
          `Cannot decompress batch: ${data.length} bytes exceed the limit of ${maxBytes}`,
        );
      }
      return data;
    default:
      throw new TypeError(`Cannot decompress batch: unknown codec "${codec}"`);
  }
}
