import { expect, test } from "bun:test";
import { keepForRatio, prometheusHash, sampleOffset } from "./hash.ts";

// Expected hashes: scripts/go-reference (Go 1.19, Debian's packages) packed each set as
// labels_stringlabels.go does (each string after its size: one byte below 255, else 0xFF and
// three bytes little-endian) and hashed it with github.com/cespare/xxhash (Debian's 2.1.1,
// the library Prometheus uses); the packed bytes it printed are in the comments.
const vectors: [string, string[], bigint][] = [
  ["the empty set", [], 0xef46db3751d8e999n],
  ["a name alone", ["__name__", "up"], 0xecd75f13400abdf5n], // 08 __name__ 02 up
  [
    "a scraped series",
    ["__name__", "http_requests_total", "instance", "host-1:9100", "job", "api"],
    0x05744d3261172d26n,
  ],
  ["sizes in UTF-8 bytes", ["a", "é", "b", "😀"], 0xabe239ede5c5a0fbn], // 01 61 02 c3a9 01 62 04 f09f9880
  ["names in UTF-8 byte order", ["～", "1", "😀", "2"], 0x2cc8c83f07dd235bn],
  ["a 254-byte value (one size byte)", ["v", "x".repeat(254)], 0xfba86bc8137b85c0n], // … fe 78…
  ["a 255-byte value (four size bytes)", ["v", "x".repeat(255)], 0xff98c4d0e29ee4d3n], // … ff ff 00 00
  ["a 300-byte value of two-byte characters", ["v", "é".repeat(150)], 0xd3c649c1c86abc2en], // ff 2c 01 00
  ["a 70,000-byte value", ["v", "y".repeat(70_000)], 0xb2c3b85336da9d2cn], // ff 70 11 01
];

test.each(vectors)("prometheusHash() of %s is the stringlabels Hash()", (_, labels, want) => {
  expect(prometheusHash(labels)).toBe(want);
});

test("prometheusHash() is not the name 0xff value 0xff hash of builds without stringlabels", () => {
  const framed = new Uint8Array([...Buffer.from("__name__"), 0xff, ...Buffer.from("up"), 0xff]);
  expect(prometheusHash(["__name__", "up"])).not.toBe(BigInt(Bun.hash.xxHash64(framed)));
});

test("sampleOffset() is the hash over 2^64, as HashRatioSampler computes it", () => {
  const labels = ["__name__", "http_requests_total", "instance", "host-1:9100", "job", "api"];
  expect(sampleOffset(labels)).toBe(Number(0x05744d3261172d26n) / 2 ** 64);
  expect(sampleOffset(labels)).toBeCloseTo(0.021306, 6);
});

test("keepForRatio() keeps complementary series for r and -(1 - r)", () => {
  for (const offset of [0, 0.2, 0.5, 0.79, 0.99]) {
    expect(keepForRatio(0.3, offset) !== keepForRatio(-0.7, offset)).toBe(true);
  }
});
