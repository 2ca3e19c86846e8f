import { expect, test } from "bun:test";
import { compareUtf8, sortUtf8 } from "./order.ts";

const utf8 = (s: string) => Buffer.from(s, "utf8");
const sign = (n: number) => Math.sign(n);

test("compareUtf8() sorts a supplementary-plane character after BMP characters from U+E000", () => {
  // As Prometheus lists these label values; JavaScript's sort() puts 😀 before ～.
  expect(["～", "a", "😀", "é", "z"].sort(compareUtf8)).toEqual(["a", "z", "é", "～", "😀"]);
});

test.each([
  ["a", "b", -1],
  ["b", "a", 1],
  ["a", "a", 0],
  ["", "a", -1],
  ["a", "ab", -1],
  ["ab", "a", 1],
  ["Z", "a", -1],
  ["é", "z", 1],
  ["\u{10000}", "\ue000", 1],
  ["\ue000", "\u{10000}", -1],
  ["\u{10000}", "\uffff", 1],
  ["\u{10000}", "\ud7ff", 1],
  ["\u{10000}", "\u{10001}", -1],
  ["\u{1F600}", "\u{20000}", -1],
  ["x😀", "x～", 1],
  ["x😀", "x😀a", -1],
  ["😀", "\uFF5E\uFF5E", 1],
] as const)("compareUtf8(%p, %p) has the sign %p, as their UTF-8 bytes", (a, b, want) => {
  expect(sign(compareUtf8(a, b))).toBe(want);
  expect(sign(Buffer.compare(utf8(a), utf8(b)))).toBe(want);
});

test("compareUtf8() agrees with a byte comparison on every pair of a mixed alphabet", () => {
  const alphabet = ["", "a", "~", "\x7f", "é", "ÿ", "ā", "\ud7ff", "\ue000", "～", "\uffff"];
  const more = ["\u{10000}", "😀", "\u{10FFFF}", "a😀", "a～", "😀a", "～a", "ab", "aé"];
  const all = [...alphabet, ...more];
  for (const a of all) {
    for (const b of all) {
      expect([a, b, sign(compareUtf8(a, b))]).toEqual([
        a,
        b,
        sign(Buffer.compare(utf8(a), utf8(b))),
      ]);
    }
  }
});

test.each([
  ["ASCII and Latin-1 only", ["b", "a", "ÿ", "B", "é", "", "ab"]],
  ["a supplementary-plane character", ["～", "a", "😀", "é", "z", "\uffff", "\ue000"]],
  ["characters above U+FFFF in several places", ["x😀", "x～", "x", "😀a", "\u{10000}", "a"]],
])("sortUtf8() orders a list with %s as their UTF-8 bytes", (_, list) => {
  const want = [...list].sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
  expect(sortUtf8([...list])).toEqual(want);
});

test("sortUtf8() lists label values as a real Prometheus (2.42) listed them", () => {
  // `/api/v1/label/l/values` of a Prometheus 2.42 holding these values (issue 18).
  const prometheus = [
    "9007199254740992",
    "9007199254740993",
    "a",
    "a001",
    "a01",
    "a1",
    "x～",
    "x😀",
    "z",
    "é",
    "\ue000",
    "～",
    "\uffff",
    "\u{10000}",
    "😀",
  ];
  expect(sortUtf8([...prometheus].reverse())).toEqual(prometheus);
  expect([...prometheus].reverse().sort(compareUtf8)).toEqual(prometheus);
});
