import { describe, expect, test } from "bun:test";
import { zstdBomb } from "../../test/harness/forge.ts";
import { compress } from "./compress.ts";
import { zstdContentSize, zstdDecompress } from "./zstd.ts";

describe("zstdContentSize()", () => {
  test.each([
    ["a frame zstd wrote in one shot", compress("zstd", new Uint8Array(5000)), 5000],
    ["a tiny single-segment frame", compress("zstd", new Uint8Array(10)), 10],
    [
      "a frame of 300 bytes (2-byte field, offset by 256)",
      compress("zstd", new Uint8Array(300)),
      300,
    ],
    ["a frame declaring 2 GiB in 8 bytes", zstdBomb(1, 2 ** 31), 2 ** 31],
    ["a frame declaring 2^40 bytes", zstdBomb(1, 2 ** 40), 2 ** 40],
    ["a frame without a declared size", zstdBomb(1 << 20), undefined],
    ["bytes without the zstd magic", new Uint8Array(16), undefined],
    ["a header cut short", zstdBomb(1, 2 ** 31).subarray(0, 8), undefined],
  ])("reads %s", (_name, frame, expected) => {
    expect(zstdContentSize(frame)).toBe(expected);
  });
});

describe("zstdDecompress()", () => {
  test("decodes a streamed frame without a declared size up to the limit", () => {
    const out = zstdDecompress(zstdBomb(1 << 20), 1 << 20);
    expect(out.length).toBe(1 << 20);
    expect(out.every((b) => b === 0)).toBe(true);
  });

  test("refuses the same frame one byte under its size", () => {
    expect(() => zstdDecompress(zstdBomb(1 << 20), (1 << 20) - 1)).toThrow(RangeError);
  });
});
