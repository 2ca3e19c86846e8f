import { expect, test } from "bun:test";
import { SampleBlock } from "../model/block.ts";
import { decodeBatch } from "./decode.ts";
import { BatchEncoder } from "./encode.ts";
import { assembleJournal } from "./journal.ts";
import { ByteWriter } from "./writer.ts";

function scrape(ts: number, n: number, offset = 0): SampleBlock {
  const b = new SampleBlock();
  for (let i = 0; i < n; i++) {
    b.push(
      { labels: ["__name__", `m${(i + offset) % 7}`, "i", String(i + offset)] },
      ts,
      i * 1.5 + ts,
    );
  }
  return b;
}

/** Encodes the scrapes, journalling after each, and returns the records and the sealed batch. */
function journalled(scrapes: SampleBlock[]): { records: Uint8Array[]; sealed: Uint8Array } {
  const enc = new BatchEncoder();
  const records: Uint8Array[] = [];
  for (const s of scrapes) {
    enc.addBlock(s);
    const w = new ByteWriter(16);
    enc.journal(w);
    records.push(w.bytes().slice());
  }
  return { records, sealed: enc.finish(42) };
}

test("assembleJournal() rebuilds the sealed batch byte for byte from the records of its scrapes", () => {
  const scrapes = [scrape(1000, 50), scrape(16_000, 80, 30), scrape(31_000, 5, 200)];
  const { records, sealed } = journalled(scrapes);
  const rebuilt = assembleJournal(records, 42);
  expect(rebuilt.samples).toBe(135);
  expect(rebuilt.bytes).toEqual(sealed);
  expect(decodeBatch(rebuilt.bytes).samples.length).toBe(135);
});

test("assembleJournal() of a prefix of the records is the batch of those scrapes", () => {
  const scrapes = [scrape(1000, 50), scrape(16_000, 80, 30), scrape(31_000, 5, 200)];
  const { records } = journalled(scrapes);
  const prefix = journalled(scrapes.slice(0, 2));
  expect(assembleJournal(records.slice(0, 2), 42).bytes).toEqual(prefix.sealed);
});

test("BatchEncoder.journal() starts again from nothing after finish()", () => {
  const enc = new BatchEncoder();
  enc.addBlock(scrape(1000, 10));
  enc.finish();
  enc.addBlock(scrape(2000, 3));
  const w = new ByteWriter(16);
  expect(enc.journal(w)).toBe(3);
  expect(decodeBatch(assembleJournal([w.bytes()], 1).bytes).samples.length).toBe(3);
  const empty = new ByteWriter(16);
  expect(enc.journal(empty)).toBe(0);
});

test("assembleJournal() refuses a truncated record with a RangeError", () => {
  const { records } = journalled([scrape(1000, 20)]);
  expect(() => assembleJournal([records[0].subarray(0, records[0].length - 3)])).toThrow(
    RangeError,
  );
  expect(() => assembleJournal([new Uint8Array([0x80])])).toThrow(RangeError);
});
