/**
 * Bounded decoding of lz4 batch payloads. lz4-napi's block format (lz4_flex's
 * `compress_prepend_size`) is the uncompressed size as a little-endian u32, then one raw LZ4
 * block. The native decoder allocates whatever that prefix claims, so the claim is checked
 * against the limit first; past that check lz4_flex is trusted: it decodes into a buffer of
 * exactly the claimed size and refuses (with an error, never a write past it) a block that
 * expands further or that is malformed (see lz4.test.ts).
 */
import { uncompressSync } from "lz4-napi";

/** Bytes of the uncompressed-size prefix before the LZ4 block. */
const PREFIX_BYTES = 4;

/** The uncompressed size an lz4 payload claims, or -1 when it is too short to hold one. */
export function lz4ClaimedSize(data: Uint8Array): number {
  if (data.length < PREFIX_BYTES) return -1;
  return (data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)) >>> 0;
}

/**
 * Decompresses an lz4 payload into at most `maxBytes`: a RangeError when its claimed size is
 * over the limit (nothing is allocated), an Error when it cannot be decoded.
 */
export function lz4Decompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const claimed = lz4ClaimedSize(data);
  if (claimed < 0) {
    throw new Error(
      `Cannot decompress lz4 batch: ${data.length} bytes cannot hold the 4-byte size prefix`,
    );
  }
  if (claimed > maxBytes) {
    throw new RangeError(
      `Cannot decompress lz4 batch: its prefix claims ${claimed} bytes, over the limit of ${maxBytes}`,
    );
  }
  try {
    return uncompressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (err) {
    throw new Error(`Cannot decompress lz4 batch: ${(err as Error).message}`);
  }
}
