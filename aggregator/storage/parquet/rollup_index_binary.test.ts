/** The binary index entry (rollup_index_binary.ts): what goes in comes out, and what is broken is refused. */
import { describe, expect, test } from "bun:test";
import { decodeEntry, type EntryColumns, encodeEntry } from "./rollup_index_binary.ts";

const ENTRY: EntryColumns = {
  labels: ['{"a":"1"}', "", '{"odd":"ünïcødé ✓ 𝄞"}', '{"q":"say \\"hi\\""}'],
  row: [0, 24, 48, 4_000_000_000],
  n: [24, 24, 1, 7],
  t0: [1.7e12, 1.7e12 + 3_600_000, -5, 0],
  t1: [1.7e12 + 82_800_000, 1.7e12 + 3_600_000, 0, 0],
  bound: [12, Number.POSITIVE_INFINITY, Number.NaN, 0],
};

function plain(e: EntryColumns | null): Record<string, unknown[]> | null {
  if (e === null) return null;
  return {
    labels: [...e.labels],
    ...Object.fromEntries(
      (["row", "n", "t0", "t1", "bound"] as const).map((k) => [k, Array.from(e[k])]),
    ),
  };
}

describe("a binary index entry", () => {
  test("gives back its columns, non-finite bounds as NaN, at any alignment", () => {
    const bytes = encodeEntry(ENTRY) as Uint8Array;
    const want = plain({ ...ENTRY, bound: [12, Number.NaN, Number.NaN, 0] });
    expect(plain(decodeEntry(bytes))).toEqual(want);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(plain(decodeEntry(shifted.subarray(3)))).toEqual(want);
    expect(
      plain(
        decodeEntry(
          encodeEntry({
            ...ENTRY,
            labels: [],
            row: [],
            n: [],
            t0: [],
            t1: [],
            bound: [],
          }) as Uint8Array,
        ),
      ),
    ).toEqual({ labels: [], row: [], n: [], t0: [], t1: [], bound: [] });
  });

  test("is not written where a row number does not fit 32 bits", () => {
    expect(encodeEntry({ ...ENTRY, row: [0, 1, 2, 2 ** 32] })).toBeNull();
    expect(encodeEntry({ ...ENTRY, n: [1, 1, 1.5, 1] })).toBeNull();
  });

  test("is refused when short, not UTF-8, or its lengths do not add up", () => {
    const bytes = encodeEntry(ENTRY) as Uint8Array;
    const changed = (at: number, value: number) => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    expect(decodeEntry(bytes.subarray(0, 7))).toBeNull();
    expect(decodeEntry(bytes.subarray(0, 8 + 36 * 4 - 1))).toBeNull();
    expect(decodeEntry(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(decodeEntry(Uint8Array.of(...bytes, 0x41))).toBeNull();
    expect(decodeEntry(Uint8Array.of(...bytes, 0xff))).toBeNull();
    expect(decodeEntry(changed(4, 1))).toBeNull();
    // A count of series past the bytes (the largest there is): refused before any allocation.
    expect(decodeEntry(Uint8Array.of(0xff, 0xff, 0xff, 0xff, ...bytes.subarray(4)))).toBeNull();
    // The first series' length, one too many: the texts no longer add up.
    expect(decodeEntry(changed(8 + 32 * 4, bytes[8 + 32 * 4] + 1))).toBeNull();
  });

  test("takes the strings of the entry before when its texts are the same bytes", () => {
    const first = decodeEntry(encodeEntry(ENTRY) as Uint8Array);
    // The next day: the same series at other rows and times.
    const next = encodeEntry({ ...ENTRY, row: [1, 25, 49, 50], t0: [0, 0, 0, 0] }) as Uint8Array;
    const same = decodeEntry(next, first?.texts);
    expect(same?.labels).toBe(first?.labels as string[]);
    expect(Array.from(same?.row ?? [])).toEqual([1, 25, 49, 50]);
    // The same text cut otherwise, or another text: decoded anew.
    const twoSeries = (labels: string[]) =>
      encodeEntry({ labels, row: [0, 1], n: [1, 1], t0: [0, 0], t1: [0, 0], bound: [0, 0] });
    const recut = ["a", "bc"];
    const before = decodeEntry(twoSeries(["ab", "c"]) as Uint8Array);
    const after = decodeEntry(twoSeries(recut) as Uint8Array, before?.texts);
    expect(after?.labels).toEqual(recut);
    const other = decodeEntry(
      encodeEntry({ ...ENTRY, labels: [...ENTRY.labels.slice(0, 3), '{"q":"bye"}'] }) as Uint8Array,
      first?.texts,
    );
    expect(other?.labels[3]).toBe('{"q":"bye"}');
    expect(other?.labels).not.toBe(first?.labels as string[]);
    // Broken bytes are refused whatever came before.
    expect(decodeEntry(Uint8Array.of(...next, 0x41), first?.texts)).toBeNull();
  });
});
