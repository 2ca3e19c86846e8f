import { expect, test } from "bun:test";
import { sameBytes } from "./bytes.ts";

test("sameBytes compares the bytes a view covers, not its element count or buffer", () => {
  const buf = Uint8Array.of(9, 1, 2, 3, 4, 9);
  expect(sameBytes(buf.subarray(1, 5), Uint8Array.of(1, 2, 3, 4))).toBe(true);
  expect(sameBytes(buf.subarray(1, 5), Uint8Array.of(1, 2, 3, 5))).toBe(false);
  expect(sameBytes(buf.subarray(1, 5), Uint8Array.of(1, 2, 3))).toBe(false);
  expect(sameBytes(Uint32Array.of(1), Uint8Array.of(1, 0, 0, 0))).toBe(true);
  expect(sameBytes(Uint32Array.of(1, 2), Uint32Array.of(1))).toBe(false);
});
