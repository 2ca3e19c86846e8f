import { describe, expect, test } from "bun:test";
import { SeqSet, toRanges } from "./seqset.ts";

describe("SeqSet", () => {
  const cases: [string, [number, number][], [number, number][]][] = [
    [
      "keeps disjoint ranges sorted",
      [
        [10, 12],
        [1, 3],
      ],
      [
        [1, 3],
        [10, 12],
      ],
    ],
    [
      "joins adjacent ranges",
      [
        [1, 3],
        [4, 6],
      ],
      [[1, 6]],
    ],
    [
      "joins overlapping ranges",
      [
        [1, 5],
        [3, 9],
      ],
      [[1, 9]],
    ],
    [
      "swallows a range that covers several",
      [
        [1, 2],
        [5, 6],
        [9, 9],
        [0, 10],
      ],
      [[0, 10]],
    ],
    [
      "fills a gap between two ranges",
      [
        [1, 2],
        [6, 8],
        [3, 5],
      ],
      [[1, 8]],
    ],
    [
      "ignores a range already inside",
      [
        [1, 10],
        [4, 5],
      ],
      [[1, 10]],
    ],
  ];
  for (const [name, adds, want] of cases) {
    test(name, () => {
      const s = new SeqSet();
      for (const [a, b] of adds) s.add(a, b);
      expect(s.toRanges()).toEqual(want);
    });
  }

  test("has() answers membership at range edges", () => {
    const s = new SeqSet();
    s.addAll([
      [5, 7],
      [20, 20],
    ]);
    expect([4, 5, 7, 8, 19, 20, 21].map((n) => s.has(n))).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  test("toRanges() compresses unsorted sequences", () => {
    expect(toRanges([5, 1, 2, 3, 9, 4, 11, 10])).toEqual([
      [1, 5],
      [9, 11],
    ]);
  });

  test("agrees with a plain Set on random input", () => {
    const s = new SeqSet();
    const plain = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const a = Math.floor(Math.random() * 500);
      const b = a + Math.floor(Math.random() * 5);
      s.add(a, b);
      for (let k = a; k <= b; k++) plain.add(k);
    }
    for (let k = 0; k < 510; k++) expect(s.has(k)).toBe(plain.has(k));
  });
});
