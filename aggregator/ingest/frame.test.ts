import { describe, expect, test } from "bun:test";
import { CHECKSUM_HEADER, checksumOf } from "../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  compress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { mutate, withLz4Prefix, zstdBomb } from "../../test/harness/forge.ts";
import { makeSeries } from "../../test/harness/ingest.ts";
import { random } from "../../test/harness/random.ts";
import { decodeFrame, FrameError, type FrameFault } from "./frame.ts";

const SUBJECT = "outpost.ingest.t1.metrics.a1";
const LIMIT = 1 << 20;
const series = makeSeries(50);

function rawBatch(): Uint8Array {
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  for (let i = 0; i < series.length; i++) block.push(series[i], 1_700_000_000_000, i * 1.5);
  enc.addBlock(block);
  return enc.finish();
}
const raw = rawBatch();

function headers(codec: string, checksum?: string) {
  const h = new Map([
    [CODEC_HEADER, codec],
    [SCHEMA_HEADER, SCHEMA_INGEST_V1],
  ]);
  if (checksum) h.set(CHECKSUM_HEADER, checksum);
  return { get: (name: string) => h.get(name) ?? "" };
}

/** The fault decodeFrame() reports, or "ok". */
function faultOf(codec: string, data: Uint8Array, checksum?: string): FrameFault | "ok" {
  try {
    decodeFrame(SUBJECT, "outpost.ingest", headers(codec, checksum), data, LIMIT);
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    return (err as FrameError).fault;
  }
}

describe("decodeFrame()", () => {
  test.each(["lz4", "zstd", "none"] as const)(
    "accepts a %s batch whose checksum matches, as checked",
    (codec) => {
      const frame = decodeFrame(
        SUBJECT,
        "outpost.ingest",
        headers(codec, checksumOf(raw)),
        compress(codec, raw),
        LIMIT,
      );
      expect(frame.checked).toBe(true);
      expect(frame.batch.samples.length).toBe(series.length);
    },
  );

  test("dead-letters a subject whose tenant is not a tenant name (paths and keys are made of it)", () => {
    for (const tenant of ["a/b", "%2F", "ü", "x".repeat(65)]) {
      const subject = `outpost.ingest.${tenant}.metrics.a1`;
      const decode = () =>
        decodeFrame(subject, "outpost.ingest", headers("none"), compress("none", raw), LIMIT);
      expect(decode).toThrow(FrameError);
      expect(decode).toThrow("is not a tenant name");
    }
  });

  test("accepts a batch without a checksum (an older agent), as unchecked", () => {
    const frame = decodeFrame(
      SUBJECT,
      "outpost.ingest",
      headers("lz4"),
      compress("lz4", raw),
      LIMIT,
    );
    expect(frame.checked).toBe(false);
    expect(frame.batch.samples.length).toBe(series.length);
  });

  // The last column is the checksum header ("" for none).
  test.each([
    ["a checksum of other bytes", "checksum", "lz4", () => compress("lz4", raw), "crc32=00000000"],
    ["an unreadable checksum", "checksum", "lz4", () => compress("lz4", raw), "md5=abc"],
    [
      "a lying lz4 size prefix",
      "size",
      "lz4",
      () => withLz4Prefix(compress("lz4", raw), 2 ** 32 - 1),
      "",
    ],
    [
      "random bytes with a small lz4 claim",
      "codec",
      "lz4",
      () => withLz4Prefix(new Uint8Array(64).fill(0xf0), 100),
      "",
    ],
    ["a zstd bomb", "size", "zstd", () => zstdBomb(2 ** 31), ""],
    ["an unknown codec", "codec", "snappy", () => raw, ""],
  ] as const)("dead-letters %s as %s", (_name, fault, codec, data, checksum) => {
    expect(faultOf(codec, data(), checksum)).toBe(fault);
  });

  test("never accepts a mutated batch that kept its checksum unless it decompresses to the same bytes", () => {
    const rand = random(19);
    const checksum = checksumOf(raw);
    for (const codec of ["lz4", "zstd"] as const) {
      const packed = compress(codec, raw);
      for (let i = 0; i < 500; i++) {
        const forged = mutate(packed, rand);
        let frame: ReturnType<typeof decodeFrame>;
        try {
          frame = decodeFrame(SUBJECT, "outpost.ingest", headers(codec, checksum), forged, LIMIT);
        } catch (err) {
          expect(err).toBeInstanceOf(FrameError);
          continue;
        }
        // Accepted: only when the change did not reach the output (an lz4 prefix claiming
        // more than the block holds, say): the samples are the original ones.
        expect([...frame.batch.samples.values]).toEqual(series.map((_, j) => j * 1.5));
        expect(frame.batch.series).toEqual(series.map((s) => s.labels));
      }
    }
  });

  test.each([
    ["an agent", "a1", "audit", "reserved"],
    ["an agent", "a1", "alert_history", "reserved"],
    ["the history writer", "alert_history", "audit", "reserved"],
    ["the audit writer", "audit", "audit", "ok"],
    ["the history writer", "alert_history", "alert_history", "ok"],
    ["an agent", "a1", "app", "ok"],
  ] as const)("a log batch from %s (%s) claiming stream %s: %s", (_who, agent, stream, want) => {
    const enc = new BatchEncoder();
    enc.addLog({
      timeNs: 1_700_000_000_000_000_000n,
      labels: labelsFromRecord({ job: "outpost", stream, action: "user.delete" }),
      line: '{"id":"forged","time":1700000000000,"action":"user.delete"}',
      fields: [],
    });
    const subject = `outpost.ingest.t1.logs.${agent}`;
    let got: FrameFault | "ok" = "ok";
    try {
      decodeFrame(
        subject,
        "outpost.ingest",
        headers("none"),
        compress("none", enc.finish()),
        LIMIT,
      );
    } catch (err) {
      expect(err).toBeInstanceOf(FrameError);
      got = (err as FrameError).fault;
    }
    expect(got).toBe(want);
  });
});
