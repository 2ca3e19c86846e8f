import { describe, expect, test } from "bun:test";
import { mutate, randomBytes, withLz4Prefix } from "../../test/harness/forge.ts";
import { makeSeries, syntheticBatch } from "../../test/harness/ingest.ts";
import { random } from "../../test/harness/random.ts";
import { lz4ClaimedSize, lz4Decompress } from "./lz4.ts";

const batch = syntheticBatch(makeSeries(200), [1_700_000_000_000, 1_700_000_015_000]);
const size = lz4ClaimedSize(batch);

/** Decompresses, returning the output or the error; anything but an Error fails the test. */
function attempt(data: Uint8Array, limit = 1 << 20): Uint8Array | Error {
  try {
    return lz4Decompress(data, limit);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
}

// lz4-napi's decoder is trusted with untrusted bytes once the claimed size is bounded: these
// tests hold it to that (an upgrade that breaks it fails here, not in production).
describe("lz4Decompress()", () => {
  test("reads the claimed size from the little-endian prefix", () => {
    expect(size).toBe((lz4Decompress(batch, 1 << 20) as Uint8Array).length);
    expect(lz4ClaimedSize(Uint8Array.of(1, 2, 0, 0, 9))).toBe(0x201);
    expect(lz4ClaimedSize(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBe(0xffffffff);
    expect(lz4ClaimedSize(new Uint8Array(3))).toBe(-1);
  });

  test("refuses a batch whose prefix claims less than its block expands to, at every claim", () => {
    for (let claimed = 0; claimed < size; claimed += Math.max(1, Math.floor(size / 97))) {
      expect(attempt(withLz4Prefix(batch, claimed))).toBeInstanceOf(Error);
    }
    expect(attempt(withLz4Prefix(batch, size - 1))).toBeInstanceOf(Error);
  });

  test("never returns more than the claimed size for random bodies", () => {
    const rand = random(19);
    for (let i = 0; i < 3000; i++) {
      const claimed = Math.floor(rand() * 8192);
      const body = withLz4Prefix(randomBytes(4 + Math.floor(rand() * 600), rand), claimed);
      const out = attempt(body);
      if (!(out instanceof Error)) expect(out.length).toBeLessThanOrEqual(claimed);
    }
  });

  test("never returns more than the claimed size for mutated and truncated batches", () => {
    const rand = random(7);
    for (let i = 0; i < 2000; i++) {
      const forged = mutate(batch, rand).subarray(0, 4 + Math.floor(rand() * batch.length));
      const out = attempt(forged);
      if (!(out instanceof Error)) expect(out.length).toBeLessThanOrEqual(lz4ClaimedSize(forged));
    }
  });
});
