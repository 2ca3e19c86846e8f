import { describe, expect, test } from "bun:test";
import { isStaleAt, writeStale } from "../../../shared/model/sample.ts";
import { ChunkEncoder, chunkBytes, chunkCount, decodeChunk, HEADER_BYTES } from "./chunk.ts";

/** Encodes samples into one chunk at byte `at` and decodes them back as 32-bit words. */
function roundTrip(timestamps: number[], values: Float64Array, at = 0) {
  const words = new Uint32Array(values.buffer);
  const enc = new ChunkEncoder();
  enc.begin(new Uint8Array(at), at, timestamps[0]);
  for (let i = 0; i < timestamps.length; i++) {
    enc.append(timestamps[i], values[i], words[2 * i], words[2 * i + 1]);
  }
  const n = timestamps.length;
  const out = {
    timestamps: new Float64Array(n),
    values: new Float64Array(n),
    words: new Uint32Array(0),
  };
  out.words = new Uint32Array(out.values.buffer);
  expect(decodeChunk(enc.buf, at, out, 0)).toBe(n);
  expect(chunkCount(enc.buf, at)).toBe(n);
  expect(chunkBytes(enc.buf, at)).toBe(enc.end() - at);
  return { out, bytes: enc.end() - at, words };
}

const awkward = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1e-300,
  -1e-300,
  5e-324,
  Number.MAX_VALUE,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 52) + 1,
  2 ** 52 - 1,
  2 ** 51,
  9007199254740991,
  0.1,
  0.2,
  0.1 + 0.2,
  1 / 3,
  123456.789,
  -42.5,
  1712345678.912,
  3.4567e-5,
  1e15,
  1e21,
  0.000001,
];

describe("chunk encoding", () => {
  test("decodeChunk() returns awkward floats bit for bit, staleness marker included", () => {
    const values = new Float64Array(awkward.length + 2);
    values.set(awkward);
    const words = new Uint32Array(values.buffer);
    writeStale(words, awkward.length);
    // A NaN with another payload must not turn into the staleness marker or vice versa.
    words[2 * (awkward.length + 1)] = 0x1234;
    words[2 * (awkward.length + 1) + 1] = 0x7ff80000;
    const ts = Array.from(values, (_, i) => 1_700_000_000_000 + i * 15_000);
    const { out } = roundTrip(ts, values);
    expect(Array.from(out.words)).toEqual(Array.from(words));
    expect(Array.from(out.timestamps)).toEqual(ts);
    expect(isStaleAt(out.words, awkward.length)).toBe(true);
    expect(isStaleAt(out.words, awkward.length + 1)).toBe(false);
  });

  const timeCases: [string, (i: number) => number][] = [
    ["regular 15 s steps", (i) => 1_700_000_000_000 + i * 15_000],
    ["jittered steps", (i) => 1_700_000_000_000 + i * 15_000 + ((i * 7919) % 97) - 48],
    ["irregular gaps of hours", (i) => 1_700_000_000_000 + i * i * 3_600_000],
    ["fractional times", (i) => 1_700_000_000_000.25 + i * 1000.5],
    ["negative times", (i) => -1_000_000 + i * 10],
    ["times near 2^53", (i) => 2 ** 53 - 1000 + i],
    ["huge jumps", (i) => (i % 2 === 0 ? i : i * 1e15)],
  ];
  for (const [what, at] of timeCases) {
    test(`decodeChunk() restores ${what}`, () => {
      const ts = Array.from({ length: 200 }, (_, i) => at(i)).sort((a, b) => a - b);
      const values = Float64Array.from(ts, (_, i) => i * 1.5);
      const { out, words } = roundTrip(ts, values, 40);
      expect(Array.from(out.timestamps)).toEqual(ts);
      expect(Array.from(out.words)).toEqual(Array.from(words));
    });
  }

  // [what, value of sample i, most bytes per sample]
  const valueCases: [string, (i: number) => number, number][] = [
    ["a constant gauge", () => 1, 0.35],
    ["a steady counter", (i) => 1000 + i * 150, 0.35],
    [
      "a counter of cpu seconds",
      (i) => Math.round((1234.56 + i * 14.98 + (i % 3) * 0.01) * 100) / 100,
      1.5,
    ],
    ["a counter that resets", (i) => (i % 50) * 17, 1.5],
    ["a gauge switching scales", (i) => [0.5, 0.25, 0.125, 3][i % 4], 2.75],
    ["random integers", (i) => (i * 2654435761) % 1_000_000, 4],
    ["random decimals", (i) => ((i * 2654435761) % 1_000_000) / 1000, 4],
    ["non-decimal floats", (i) => Math.sqrt(i + 2), 9],
    ["jumps too big for a delta code", (i) => (i % 2) * 2 ** 45 + i, 9],
    ["steps of a few million", (i) => ((i * 2654435761) % 1_000_000) * 1000, 5],
  ];
  for (const [what, value, most] of valueCases) {
    test(`decodeChunk() restores ${what} in at most ${most} bytes per sample`, () => {
      const ts = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + i * 15_000);
      const values = Float64Array.from(ts, (_, i) => value(i));
      const { out, bytes, words } = roundTrip(ts, values);
      expect(Array.from(out.words)).toEqual(Array.from(words));
      expect((bytes - HEADER_BYTES) / 120).toBeLessThanOrEqual(most);
    });
  }
});
