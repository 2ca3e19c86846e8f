/**
 * The checksum of a batch: CRC-32 (IEEE 802.3, zlib's polynomial) of the *uncompressed* batch,
 * sent by the agent in the `Outpost-Checksum` header as `crc32=<8 hex digits>` and verified
 * by the aggregator after decompressing, so that corruption anywhere between the agent's
 * encoder and the aggregator's decoder (disk, network, a codec) is caught instead of stored.
 *
 * Why CRC-32 and not CRC-32C: Bun computes CRC-32 natively (`Bun.hash.crc32`, ~16 µs per MB
 * here, see bench/codec_decode.ts) and has no CRC-32C; the one in JS would cost far more on the
 * hot path. For random corruption both detect every burst up to 32 bits and miss one error in
 * 2^32 otherwise; CRC-32C's advantages are hardware instructions, which JS cannot reach.
 * The algorithm name travels with the value, so another can be added without a new header.
 */

/** Header carrying the checksum of the uncompressed batch. */
export const CHECKSUM_HEADER = "Outpost-Checksum";

const FORMAT = /^crc32=([0-9a-f]{8})$/i;

/** The `Outpost-Checksum` value of an uncompressed batch. */
export function checksumOf(raw: Uint8Array): string {
  return `crc32=${Bun.hash.crc32(raw).toString(16).padStart(8, "0")}`;
}

/**
 * Checks an uncompressed batch against its `Outpost-Checksum` value; throws an Error saying
 * why when the value cannot be read or does not match.
 */
export function verifyChecksum(header: string, raw: Uint8Array): void {
  const m = FORMAT.exec(header);
  if (!m) {
    throw new Error(
      `Cannot verify batch: ${CHECKSUM_HEADER} "${header.slice(0, 64)}" is not crc32=<8 hex digits>`,
    );
  }
  const actual = Bun.hash.crc32(raw);
  if (actual !== Number.parseInt(m[1], 16)) {
    throw new Error(
      `Cannot verify batch: its crc32 is ${actual.toString(16).padStart(8, "0")}, the agent sent ${m[1].toLowerCase()} (corrupted on the way)`,
    );
  }
}
