import { describe, expect, test } from "bun:test";
import { checksumOf, verifyChecksum } from "./checksum.ts";

const raw = new TextEncoder().encode("123456789");

describe("checksumOf()", () => {
  test("is CRC-32 (IEEE) in 8 lowercase hex digits", () => {
    // The standard check value of CRC-32 for "123456789".
    expect(checksumOf(raw)).toBe("crc32=cbf43926");
    expect(checksumOf(new Uint8Array(0))).toBe("crc32=00000000");
  });
});

describe("verifyChecksum()", () => {
  test("accepts the checksum of the same bytes, in either case", () => {
    expect(() => verifyChecksum("crc32=cbf43926", raw)).not.toThrow();
    expect(() => verifyChecksum("crc32=CBF43926", raw)).not.toThrow();
  });

  test("refuses a batch with one bit changed", () => {
    const changed = raw.slice();
    changed[4] ^= 0x10;
    expect(() => verifyChecksum(checksumOf(raw), changed)).toThrow(
      /Cannot verify batch: its crc32 is [0-9a-f]{8}, the agent sent cbf43926/,
    );
  });

  test.each(["crc32=cbf4392", "crc32c=cbf43926", "cbf43926", "crc32=cbf43926 ", ""])(
    "refuses the unreadable value %p",
    (value) => {
      expect(() => verifyChecksum(value, raw)).toThrow(/is not crc32=<8 hex digits>/);
    },
  );
});
