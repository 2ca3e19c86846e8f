import { describe, expect, test } from "bun:test";
import { TokenBucket } from "./bucket.ts";

describe("TokenBucket", () => {
  test("take() spends the burst at once, then refills at the rate", () => {
    const b = new TokenBucket(100, 500, 0);
    expect(b.take(500, 0)).toBe(0);
    expect(b.take(50, 0)).toBe(500);
    expect(b.take(50, 500)).toBe(0);
  });

  test("take() refuses more than the burst for ever", () => {
    const b = new TokenBucket(100, 500, 0);
    expect(b.take(501, 60_000)).toBe(Number.POSITIVE_INFINITY);
    expect(b.take(500, 60_000)).toBe(0);
  });

  test("take() never saves up more than the burst", () => {
    const b = new TokenBucket(100, 200, 0);
    expect(b.take(200, 3_600_000)).toBe(0);
    expect(b.take(1, 3_600_000)).toBe(10);
  });

  test("an unlimited rate always admits", () => {
    const b = new TokenBucket(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0);
    expect(b.take(1e12, 0)).toBe(0);
  });
});
