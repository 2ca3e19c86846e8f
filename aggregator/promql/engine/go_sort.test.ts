import { expect, test } from "bun:test";
import { random } from "../../../test/harness/random.ts";
import { GoSort, goSortFunc } from "./go_sort.ts";
import { naturalLess } from "./natsort.ts";

test("goSortFunc() sorts as any sort does when the comparison is a strict weak order", () => {
  const r = random(18);
  const shapes: [string, (n: number) => number[]][] = [
    ["random", (n) => Array.from({ length: n }, () => Math.floor(r() * n))],
    ["few values", (n) => Array.from({ length: n }, () => Math.floor(r() * 3))],
    ["ascending", (n) => Array.from({ length: n }, (_, i) => i)],
    ["descending", (n) => Array.from({ length: n }, (_, i) => n - i)],
    ["sawtooth", (n) => Array.from({ length: n }, (_, i) => i % 17)],
    ["organ pipe", (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - i))],
  ];
  for (const [shape, make] of shapes) {
    for (const n of [0, 1, 2, 12, 13, 49, 50, 51, 200, 1000]) {
      const data = make(n);
      const want = [...data].sort((a, b) => a - b);
      expect([shape, n, goSortFunc([...data], (a, b) => a - b)]).toEqual([shape, n, want]);
    }
  }
});

test("the heapsort Go falls back to after too many bad pivots sorts too", () => {
  const r = random(5);
  for (const n of [13, 14, 100, 257]) {
    const data = Array.from({ length: n }, () => Math.floor(r() * 50));
    const want = [...data].sort((a, b) => a - b);
    new GoSort(data, (a, b) => a - b).pdqsort(0, n, 0);
    expect(data).toEqual(want);
  }
});

test("goSortFunc() keeps elements that compare equal together, in some order", () => {
  const r = random(7);
  const data = Array.from({ length: 500 }, (_, i) => ({ key: Math.floor(r() * 5), i }));
  const sorted = goSortFunc([...data], (a, b) => a.key - b.key);
  expect(sorted.map((d) => d.key)).toEqual(data.map((d) => d.key).sort((a, b) => a - b));
  expect(new Set(sorted.map((d) => d.i)).size).toBe(500);
});

// Up to 12 elements Go insertion-sorts: each element moves left while cmp(it, left) < 0.
// Worked by hand for comparators that are not orders, as natsort's ties are.
test.each([
  ["everything is less: reversed", ["a", "b", "c", "d"], () => -1, ["d", "c", "b", "a"]],
  ["nothing is less: unchanged", ["a", "b", "c", "d"], () => 1, ["a", "b", "c", "d"]],
  [
    "x is less than and greater than everything: moves to the front only from second place",
    // i=1: cmp(x, a) < 0, swap → x a b; i=2: cmp(b, a) ≥ 0, stop.
    ["a", "x", "b"],
    (p: string, q: string) => (p === "x" || q === "x" ? -1 : p < q ? -1 : 1),
    ["x", "a", "b"],
  ],
  [
    "a tie that both sides call less stops at the first element that is not",
    // i=1: cmp(b1, a) ≥ 0; i=2: cmp(b2, b1) < 0 (tie), swap → a b2 b1, then cmp(b2, a) ≥ 0.
    ["a", "b1", "b2"],
    (p: string, q: string) => (p[0] === q[0] ? -1 : p < q ? -1 : 1),
    ["a", "b2", "b1"],
  ],
] as const)("goSortFunc() on up to 12 elements: %s", (_, input, cmp, want) => {
  expect(goSortFunc([...input], cmp)).toEqual([...want]);
});

test("goSortFunc() gives the same order for the same input, whatever the comparator says", () => {
  const r = random(3);
  const data = Array.from({ length: 300 }, () => Math.floor(r() * 1000));
  const chaotic = (a: number, b: number) => ((a * 31 + b * 17) % 7) - 3;
  expect(goSortFunc([...data], chaotic)).toEqual(goSortFunc([...data], chaotic));
});

test("goSortFunc() leaves 30 values natsort cannot fully order where Go's sort does", () => {
  // Input and output of Go 1.19's sort.Slice with natsort.Compare (scripts/go-reference): the
  // pdqsort of slices.SortFunc, which in Go 1.24 differs only in breakPatterns' xorshift, and
  // this input does not reach breakPatterns.
  // biome-ignore format: a table of values
  const input = [
    "x01-0", "x2-1", "-2", "", "x001-4", "x001", "x001-6", "x01", "x2-8", "x2", "x10-10",
    "x001-11", "z03-12", "x01-13", "x1-14", "y-15", "x01", "y-17", "z03", "z3-19", "x10-20",
    "y", "x10-22", "x2", "-24", "z03-25", "x01-26", "z3-27", "y", "y-29",
  ];
  // biome-ignore format: a table of values
  const go = [
    "-2", "-24", "x001", "x01", "x01", "x01-0", "x001-4", "x001-6", "x001-11", "x01-13",
    "x1-14", "x01-26", "x2", "x2", "x2-1", "x2-8", "x10-10", "x10-20", "x10-22", "y", "y",
    "y-15", "y-17", "z03", "z3-19", "z03-25", "", "y-29", "z03-12", "z3-27",
  ];
  const cmp = (a: string, b: string) => (a === b ? 0 : naturalLess(a, b) ? -1 : 1);
  expect(goSortFunc([...input], cmp)).toEqual(go);
});
