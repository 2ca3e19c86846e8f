/**
 * The decoder's label diffs (decode.ts applyLabelDiff, the fast path ingest takes) held to the
 * reference (a Map and a sort a series) over random diffs, including those no encoder writes:
 * names removed and set again, a name set twice, removals the predecessor lacks, names removed
 * twice, empty names or values and refs past the string table. Both must build the same labels
 * or throw the same error.
 */
import { describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BatchSchema } from "../../proto/gen/outpost/ingest/v1/ingest_pb.ts";
import { random } from "../../test/harness/random.ts";
import { decodeBatch } from "./decode.ts";

/** A batch of series labels only: `strings` (the first "") and the flat diff refs. */
function batch(strings: readonly string[], refs: readonly number[]): Uint8Array {
  const bytes = strings.map((s) => new TextEncoder().encode(s));
  const data = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    data.set(b, at);
    at += b.length;
  }
  return toBinary(
    BatchSchema,
    create(BatchSchema, {
      stringData: data,
      stringLengths: bytes.map((b) => b.length),
      seriesLabels: [...refs],
    }),
  );
}

/** The decoded labels, or the error's text. */
function outcome(bytes: Uint8Array, reference: boolean): string[][] | string {
  try {
    return decodeBatch(bytes, { reference }).series.map((l) => [...l]);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

// Names that sort differently by UTF-8 bytes than by UTF-16 units, and "" for the bad cases.
const STRINGS = ["", "__name__", "a", "b", "job", "zone", "é", "😀", "ﬀ", "up", "x", "1", "2"];

describe("label diffs: the fast path against the reference", () => {
  test("random diffs, good and bad, build the same labels or the same error", () => {
    const next = random(24);
    const pick = (n: number) => Math.floor(next() * n);
    let errors = 0;
    for (let round = 0; round < 4000; round++) {
      const refs: number[] = [];
      const series = 1 + pick(6);
      // A name ref past the table one time in 200.
      const ref = () => (pick(200) === 0 ? STRINGS.length + pick(3) : pick(STRINGS.length));
      for (let s = 0; s < series; s++) {
        const removed = pick(4) === 0 ? pick(3) : 0;
        refs.push(removed);
        for (let k = 0; k < removed; k++)
          refs.push(pick(20) === 0 ? ref() : 1 + pick(STRINGS.length - 1));
        const pairs = pick(5);
        refs.push(pairs);
        for (let k = 0; k < pairs; k++) {
          // Empty names or values (ref 0) one time in 30.
          const name = pick(30) === 0 ? 0 : 1 + pick(STRINGS.length - 1);
          refs.push(name, pick(30) === 0 ? 0 : ref() || 1);
        }
      }
      const bytes = batch(STRINGS, refs);
      const fast = outcome(bytes, false);
      const reference = outcome(bytes, true);
      expect(fast).toEqual(reference);
      if (typeof reference === "string") errors++;
    }
    // Both kinds were tried: neither almost all errors nor none.
    expect(errors).toBeGreaterThan(400);
    expect(errors).toBeLessThan(3600);
  });

  test("a name removed and set again, and a name set twice, as a Map would leave them", () => {
    // Series 0: job=x, zone=1; series 1 removes zone then sets it (2) and sets a twice (1, then 2).
    const s = ["", "job", "x", "zone", "1", "2", "a"];
    const refs = [0, 2, 1, 2, 3, 4, 1, 3, 3, 3, 5, 6, 4, 6, 5];
    const labels = decodeBatch(batch(s, refs)).series;
    expect(labels[1]).toEqual(["a", "2", "job", "x", "zone", "2"]);
  });
});
