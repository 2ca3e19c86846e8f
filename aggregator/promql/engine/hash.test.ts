import { expect, test } from "bun:test";
import { keepForRatio, prometheusHash, sampleOffset } from "./hash.ts";

test("prometheusHash() hashes name 0xff value 0xff … as UTF-8 bytes", () => {
  const bytes = new Uint8Array([...Buffer.from("a"), 0xff, ...Buffer.from("é"), 0xff]);
  expect(prometheusHash(["a", "é"])).toBe(BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(bytes))));
  expect(prometheusHash(["a", "b"])).not.toBe(prometheusHash(["ab", ""]));
});

test("sampleOffset() maps the hash into [0, 1)", () => {
  const offset = sampleOffset(["__name__", "up"]);
  expect(offset).toBeGreaterThanOrEqual(0);
  expect(offset).toBeLessThan(1);
});

test("keepForRatio() keeps complementary series for r and -(1 - r)", () => {
  for (const offset of [0, 0.2, 0.5, 0.79, 0.99]) {
    expect(keepForRatio(0.3, offset) !== keepForRatio(-0.7, offset)).toBe(true);
  }
});
