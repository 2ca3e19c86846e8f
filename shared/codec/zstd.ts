/**
 * Bounded decoding of zstd batch payloads. `Bun.zstdDecompressSync` has no output limit: a
 * 64 KB frame of RLE blocks expands to gigabytes before anyone can look at its size. node:zlib's
 * zstd decoder (in Bun) streams into chunks and stops with ERR_BUFFER_TOO_LARGE as soon as the
 * output passes `maxOutputLength`, so a bomb costs at most the limit. A frame whose header
 * declares a content size over the limit (zstd writes the size whenever it knows it) is refused
 * before decoding starts.
 */
import { zstdDecompressSync } from "node:zlib";

const MAGIC = 0xfd2fb528;
/** Size of the Frame_Content_Size field by its 2-bit flag (0 means 1 byte when single-segment). */
const FCS_BYTES = [0, 2, 4, 8];
const DICT_ID_BYTES = [0, 1, 2, 4];
/** node:zlib's smallest output chunk, and ours when the frame does not declare its size. */
const MIN_CHUNK = 64;
const DEFAULT_CHUNK = 64 * 1024;

/**
 * The content size the first frame's header declares, or undefined when it declares none
 * (or the bytes are not a zstd frame: the decoder then says why).
 */
export function zstdContentSize(data: Uint8Array): number | undefined {
  if (data.length < 5) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const descriptor = data[4];
  const singleSegment = (descriptor >> 5) & 1;
  const fcsFlag = descriptor >> 6;
  const fcsBytes = fcsFlag === 0 ? singleSegment : FCS_BYTES[fcsFlag];
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + DICT_ID_BYTES[descriptor & 3];
  if (data.length < at + fcsBytes) return undefined;
  switch (fcsBytes) {
    case 1:
      return data[at];
    case 2:
      return view.getUint16(at, true) + 256;
    case 4:
      return view.getUint32(at, true);
    default:
      return view.getUint32(at + 4, true) * 2 ** 32 + view.getUint32(at, true);
  }
}

/**
 * Decompresses a zstd payload into at most `maxBytes`: a RangeError when its declared or
 * actual output is over the limit (decoding stops there), an Error when it cannot be decoded.
 */
export function zstdDecompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const declared = zstdContentSize(data);
  if (declared !== undefined && declared > maxBytes) {
    throw new RangeError(
      `Cannot decompress zstd batch: its frame declares ${declared} bytes, over the limit of ${maxBytes}`,
    );
  }
  try {
    // When the size is known, one chunk a byte larger than it: the decoder finishes in one pass
    // with room to spare (exactly the size costs another pass): ~10 µs from Bun's one-shot.
    const chunkSize = declared === undefined ? DEFAULT_CHUNK : Math.max(MIN_CHUNK, declared + 1);
    return zstdDecompressSync(data, { maxOutputLength: Math.max(1, maxBytes), chunkSize });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new RangeError(
        `Cannot decompress zstd batch: its output passes the limit of ${maxBytes} bytes`,
      );
    }
    throw new Error(`Cannot decompress zstd batch: ${(err as Error).message}`);
  }
}
