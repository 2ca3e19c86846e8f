import { expect, test } from "bun:test";
import { codeUnitOrder, compareLabels, labelsFromRecord, seriesHash } from "./labels.ts";

test("labelsFromRecord() sorts names by UTF-8 bytes, a supplementary-plane name after ～", () => {
  expect(labelsFromRecord({ "😀": "2", "～": "1", __name__: "up" })).toEqual([
    "__name__",
    "up",
    "～",
    "1",
    "😀",
    "2",
  ]);
});

test("compareLabels() orders series by their values' UTF-8 bytes, as Prometheus lists them", () => {
  const values = ["😀", "～", "a", "é", "z"];
  const sets = values.map((v) => labelsFromRecord({ __name__: "x", l: v }));
  expect(sets.sort(compareLabels).map((s) => s[3])).toEqual(["a", "z", "é", "～", "😀"]);
});

test.each([
  ["a set before a longer set it is a prefix of", { a: "1" }, { a: "1", b: "1" }, -1],
  ["a larger value after, whatever follows", { a: "2" }, { a: "1", b: "1" }, 1],
  ["a smaller second name first", { a: "1", b: "1" }, { a: "1", c: "1" }, -1],
  ["a name ～ before a name 😀", { "～": "1" }, { "😀": "1" }, -1],
  [
    "a set whose second name is 😀 after one whose is ～",
    { a: "x", "😀": "1" },
    { a: "x", "～": "1" },
    1,
  ],
] as const)("compareLabels() puts %s", (_, a, b, want) => {
  expect(Math.sign(compareLabels(labelsFromRecord(a), labelsFromRecord(b)))).toBe(want);
});

test("codeUnitOrder() puts names back in UTF-16 order and leaves ASCII sets as they are", () => {
  const wide = labelsFromRecord({ "😀": "2", "～": "1", __name__: "up" });
  expect(codeUnitOrder(wide)).toEqual(["__name__", "up", "😀", "2", "～", "1"]);
  const ascii = labelsFromRecord({ job: "api", __name__: "up" });
  expect(codeUnitOrder(ascii)).toBe(ascii);
});

test.each([
  // Hashes seriesHash() gave before label sets were sorted by bytes (commit d4d5284): data
  // written then must keep its series identities.
  ["ASCII names", { __name__: "up", job: "api", instance: "a:1" }, 0xf13af0fcb205d279n],
  [
    "names the two orders sort apart",
    { "～": "1", "😀": "2", __name__: "up" },
    0x8936771fc228b1b3n,
  ],
])(
  "seriesHash() of a set with %s is the identity written before the order changed",
  (_, record, want) => {
    expect(seriesHash(labelsFromRecord(record))).toBe(want);
  },
);
