import { describe, expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { BatchSchema } from "../../proto/gen/outpost/ingest/v1/ingest_pb.ts";
import { SampleBlock } from "../model/block.ts";
import type { Series } from "../model/series.ts";
import { decodeBatch } from "./decode.ts";
import { BatchEncoder } from "./encode.ts";
import { classifyValue } from "./values.ts";

const mk = (...labels: string[]): Series => ({ labels });
const up = mk("__name__", "up", "instance", "a:1", "job", "node");
const cpu0 = mk("__name__", "node_cpu_seconds_total", "cpu", "0", "mode", "idle");
const cpu1 = mk("__name__", "node_cpu_seconds_total", "cpu", "0", "mode", "user");

function roundTrip(blocks: SampleBlock[]) {
  const enc = new BatchEncoder();
  for (const b of blocks) enc.addBlock(b);
  const bytes = enc.finish(1234);
  return { bytes, decoded: decodeBatch(bytes) };
}

describe("BatchEncoder and decodeBatch", () => {
  test("a batch round-trips values, timestamps, staleness and labels exactly", () => {
    const values = [
      0,
      1,
      -1,
      12345.67,
      0.1,
      1e-9,
      1e300,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      2 ** 60,
      1 / 3,
      Math.PI,
      123456789012,
    ];
    const blocks: SampleBlock[] = [];
    for (let g = 0; g < 3; g++) {
      const b = new SampleBlock(4);
      values.forEach((v, i) => {
        b.push(i % 2 ? cpu0 : cpu1, 1_700_000_000_000 + g * 15_000, v + g);
      });
      b.pushStale(up, 1_700_000_000_000 + g * 15_000 + 7);
      blocks.push(b);
    }
    const { decoded } = roundTrip(blocks);
    expect(decoded.createdMs).toBe(1234);
    expect(decoded.samples.length).toBe(blocks.length * (values.length + 1));
    let row = 0;
    for (const b of blocks) {
      for (let i = 0; i < b.length; i++, row++) {
        expect(decoded.series[decoded.samples.series[row]]).toEqual(b.series[i].labels);
        expect(decoded.samples.timestamps[row]).toBe(b.timestamps[i]);
        expect(decoded.samples.valueWords[2 * row]).toBe(b.valueWords[2 * i]);
        expect(decoded.samples.valueWords[2 * row + 1]).toBe(b.valueWords[2 * i + 1]);
      }
    }
  });

  test("the hand-written encoding is valid protobuf that protobuf-es reads the same way", () => {
    const b = new SampleBlock();
    b.push(cpu0, 1000, 5);
    b.push(cpu1, 1000, 2.5);
    b.push(up, 1003, 1);
    const enc = new BatchEncoder();
    enc.addBlock(b);
    enc.addMetadata({ name: "up", type: "gauge", help: "Target is up.", unit: "" });
    const msg = fromBinary(BatchSchema, enc.finish(99));
    const text = new TextDecoder().decode(msg.stringData);
    const strings: string[] = [];
    let pos = 0;
    for (const len of msg.stringLengths) {
      strings.push(text.slice(pos, pos + len));
      pos += len;
    }
    const id = (s: string) => strings.indexOf(s);
    expect(strings[0]).toBe("");
    // cpu0 from nothing: k=0, three pairs; cpu1 changes only mode; up removes cpu and mode and
    // changes __name__ and adds instance and job.
    expect(msg.seriesLabels).toEqual([
      0,
      3,
      id("__name__"),
      id("node_cpu_seconds_total"),
      id("cpu"),
      id("0"),
      id("mode"),
      id("idle"),
      0,
      1,
      id("mode"),
      id("user"),
      2,
      id("cpu"),
      id("mode"),
      3,
      id("__name__"),
      id("up"),
      id("instance"),
      id("a:1"),
      id("job"),
      id("node"),
    ]);
    expect(msg.groups[0].timestampMs).toBe(1000n);
    expect(msg.groups[0].seriesDeltas).toEqual([0, 0, 0]);
    expect(msg.groups[0].kinds).toEqual([0, 1, 0]);
    expect(msg.groups[0].mantissas).toEqual([5n, 25n, 1n]);
    expect(msg.groups[0].timestampOffsets).toEqual([0n, 0n, 3n]);
    expect(msg.metadata[0]).toMatchObject({ type: 2 });
    expect(strings[msg.metadata[0].help]).toBe("Target is up.");
    expect(msg.createdMs).toBe(99n);
  });

  test("repeated scrapes of a counter encode as small deltas", () => {
    const enc = new BatchEncoder();
    for (let g = 0; g < 4; g++) {
      const b = new SampleBlock();
      b.push(cpu0, 15_000 * g, Number((98765.43 + g * 15.01).toFixed(2)));
      enc.addBlock(b);
    }
    const msg = fromBinary(BatchSchema, enc.finish());
    expect(msg.groups.map((g) => g.mantissas[0])).toEqual([9876543n, 1501n, 1501n, 1501n]);
  });

  test("decoded label sets keep names in UTF-8 byte order, 😀 after ～", () => {
    const wide = mk("__name__", "up", "～", "1", "😀", "2");
    const fewer = mk("__name__", "up", "😀", "3");
    const b = new SampleBlock();
    b.push(wide, 1, 1);
    b.push(fewer, 1, 1);
    b.push(wide, 2, 1);
    const { decoded } = roundTrip([b]);
    expect(decoded.series).toEqual([wide.labels, fewer.labels]);
  });

  test("the encoder can be reused after finish()", () => {
    const enc = new BatchEncoder();
    const b = new SampleBlock();
    b.push(up, 1, 1);
    enc.addBlock(b);
    enc.finish();
    enc.addBlock(b);
    const d = decodeBatch(enc.finish());
    expect(d.series).toEqual([up.labels]);
    expect(d.samples.length).toBe(1);
  });
});

describe("decodeBatch on broken input", () => {
  const good = (() => {
    const b = new SampleBlock();
    b.push(cpu0, 1000, 5);
    b.push(cpu1, 1000, 7.25);
    const enc = new BatchEncoder();
    enc.addBlock(b);
    return enc.finish();
  })();

  test("every truncation of a valid batch fails with a clear error or decodes a consistent prefix", () => {
    for (let n = 0; n < good.length; n++) {
      try {
        const d = decodeBatch(good.subarray(0, n));
        for (let i = 0; i < d.samples.length; i++)
          expect(d.samples.series[i]).toBeLessThan(d.series.length);
      } catch (e) {
        expect(String(e)).toContain("Cannot decode batch");
      }
    }
  });

  test.each([
    ["random bytes", Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff)],
    ["an endless varint", new Uint8Array(12).fill(0xff)],
    ["a string field longer than the frame", Uint8Array.of(0x0a, 0x7f, 0x41)],
    [
      "string lengths past the string data",
      Uint8Array.of(0x0a, 0x01, 0x41, 0x32, 0x02, 0x00, 0x05),
    ],
    ["invalid UTF-8 in the string table", Uint8Array.of(0x0a, 0x01, 0xff, 0x32, 0x02, 0x00, 0x01)],
    [
      "a series label diff that runs past its data",
      Uint8Array.of(0x0a, 0x00, 0x32, 0x01, 0x00, 0x12, 0x02, 0x00, 0x05),
    ],
  ])("%s is refused", (_name, bytes) => {
    expect(() => decodeBatch(bytes)).toThrow(/Cannot decode batch/);
  });
});

describe("classifyValue()", () => {
  test.each([
    [42, 0, 42],
    [12345.67, 2, 1234567],
    [0.001, 3, 1],
    [-2.5, 1, -25],
  ])("finds the decimal scale of %p", (v, kind, mantissa) => {
    const out = new Float64Array(1);
    expect(classifyValue(v, out)).toBe(kind);
    expect(out[0]).toBe(mantissa);
  });

  test.each([[Number.NaN], [Number.POSITIVE_INFINITY], [-0], [2 ** 53], [1 / 3]])(
    "sends %p as a raw float",
    (v) => {
      expect(classifyValue(v, new Float64Array(1))).toBe(16);
    },
  );
});
