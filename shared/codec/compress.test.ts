import { describe, expect, test } from "bun:test";
import {
  lz4Bomb,
  peakRss,
  randomBytes,
  withLz4Prefix,
  zstdBomb,
} from "../../test/harness/forge.ts";
import { makeSeries, syntheticBatch } from "../../test/harness/ingest.ts";
import { random } from "../../test/harness/random.ts";
import { compress, decompress } from "./compress.ts";

const MiB = 1 << 20;
const LIMIT = 16 * MiB;
/** A real lz4 batch of a few hundred bytes, as an agent sends it. */
const batch = syntheticBatch(makeSeries(5), [1_700_000_000_000]);

/** 1 KB of random bytes whose first four (lz4's size prefix) claim `claimed`. */
function garbage(seed: number, claimed?: number): Uint8Array {
  const bytes = randomBytes(1024, random(seed));
  return claimed === undefined ? bytes : withLz4Prefix(bytes, claimed);
}

/** A small zstd frame that declares its size, followed by a bomb frame that declares none. */
function concatenatedZstdBomb(): Uint8Array {
  const small = zstdBomb(MiB, MiB);
  const bomb = zstdBomb(2 ** 31);
  const out = new Uint8Array(small.length + bomb.length);
  out.set(small);
  out.set(bomb, small.length);
  return out;
}

describe("compress()", () => {
  test.each(["lz4", "zstd", "none"] as const)("%s round-trips and bounds the output", (codec) => {
    const data = new TextEncoder().encode("node_cpu_seconds_total ".repeat(100));
    const packed = compress(codec, data);
    expect(decompress(codec, packed, 1 << 20)).toEqual(data);
    expect(() => decompress(codec, packed, 10)).toThrow(/limit of 10/);
  });
});

describe("decompress()", () => {
  test("refuses an unknown codec by name", () => {
    expect(() => decompress("snappy", new Uint8Array(1), 10)).toThrow(TypeError);
    expect(() => decompress("snappy", new Uint8Array(1), 10)).toThrow(/unknown codec "snappy"/);
  });

  // RangeError: the output would pass the limit (dead-lettered as `size`).
  // Error: the payload cannot be decoded (dead-lettered as `codec`).
  test.each([
    [
      "an lz4 batch whose size prefix claims ff ff ff ff",
      "lz4",
      () => withLz4Prefix(batch, 0xffffffff),
      RangeError,
      /claims 4294967295 bytes/,
    ],
    [
      "1 KB of random bytes labelled lz4 (a huge claimed size)",
      "lz4",
      () => garbage(1),
      RangeError,
      /over the limit/,
    ],
    [
      "1 KB of random bytes labelled lz4 with a small claimed size",
      "lz4",
      () => garbage(2, 4096),
      Error,
      /Cannot decompress lz4 batch/,
    ],
    [
      "an lz4 bomb: 64 MiB of zeros, its prefix honest",
      "lz4",
      () => lz4Bomb(64 * MiB),
      RangeError,
      /claims 67108864 bytes/,
    ],
    [
      "an lz4 bomb whose prefix claims less than it expands to",
      "lz4",
      () => withLz4Prefix(lz4Bomb(64 * MiB), MiB),
      Error,
      /Cannot decompress lz4 batch/,
    ],
    [
      "an lz4 payload shorter than its size prefix",
      "lz4",
      () => new Uint8Array(3),
      Error,
      /size prefix/,
    ],
    [
      "a zstd bomb: 2 GiB of zeros, no declared size",
      "zstd",
      () => zstdBomb(2 ** 31),
      RangeError,
      /passes the limit/,
    ],
    [
      "a zstd bomb declaring its 2 GiB",
      "zstd",
      () => zstdBomb(2 ** 31, 2 ** 31),
      RangeError,
      /declares 2147483648 bytes/,
    ],
    [
      "a zstd bomb declaring only 1 MiB",
      "zstd",
      () => zstdBomb(2 ** 31, MiB),
      Error,
      /Cannot decompress zstd batch/,
    ],
    [
      "a small zstd frame followed by a bomb frame",
      "zstd",
      concatenatedZstdBomb,
      RangeError,
      /passes the limit/,
    ],
    [
      "1 KB of random bytes labelled zstd",
      "zstd",
      () => garbage(3),
      Error,
      /Cannot decompress zstd batch/,
    ],
    [
      "garbage after a zstd frame magic",
      "zstd",
      () => Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3),
      Error,
      /Cannot decompress zstd batch/,
    ],
    [
      "an uncompressed batch over the limit",
      "none",
      () => new Uint8Array(LIMIT + 1),
      RangeError,
      /exceed the limit/,
    ],
  ] as const)("refuses %s", (_name, codec, payload, errorClass, message) => {
    const data = payload();
    let thrown: unknown;
    try {
      decompress(codec, data, LIMIT);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    // Undecodable is not over-limit: the aggregator tells the two apart by class.
    if (errorClass === Error) expect(thrown).not.toBeInstanceOf(RangeError);
    expect((thrown as Error).message).toMatch(message);
  });

  test("costs at most the limit in memory for bombs and lying prefixes", () => {
    const forged: [string, Uint8Array][] = [
      ["lz4", withLz4Prefix(batch, 0xffffffff)],
      ["lz4", garbage(1)],
      ["zstd", zstdBomb(2 ** 31)],
      ["zstd", zstdBomb(2 ** 31, MiB)],
      ["zstd", concatenatedZstdBomb()],
    ];
    Bun.gc(true);
    const before = process.memoryUsage().rss;
    const peakBefore = peakRss();
    for (let round = 0; round < 3; round++) {
      for (const [codec, data] of forged) expect(() => decompress(codec, data, LIMIT)).toThrow();
    }
    // The peak may rise only by what one bounded decode may hold, plus some slack.
    expect(peakRss()).toBeLessThanOrEqual(Math.max(peakBefore, before + LIMIT + 64 * MiB));
  });
});
