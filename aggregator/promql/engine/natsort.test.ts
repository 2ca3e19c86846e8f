import { expect, test } from "bun:test";
import { naturalLess } from "./natsort.ts";

// [a, b, natsort.Compare(a, b)], as scripts/go-reference prints them with Debian's natsort at
// 2cd4dd1, the commit Prometheus pins (regexp runs, strconv.Atoi, Go string order).
const cases: [string, string, boolean][] = [
  ["n2", "n10", true],
  ["n10", "n2", false],
  ["a", "b", true],
  ["a1b", "a1c", true],
  ["a", "a1", true],
  ["a1", "a", false],
  // Digit runs compare exactly as int64, also beyond 2^53 (where float64 would call them equal).
  ["9007199254740992", "9007199254740993", true],
  ["9007199254740993", "9007199254740992", false],
  ["x9007199254740993y", "x9007199254740992y", false],
  // 2^63 - 1 parses; 2^63 does not, so the pair compares as text.
  ["9223372036854775807", "9223372036854775808", true],
  ["9223372036854775808", "9223372036854775807", false],
  // A run too large for int64 compares as text: 10^19 sorts before 9.
  ["10000000000000000000", "9", true],
  ["9", "10000000000000000000", false],
  ["99999999999999999999", "99999999999999999998", false],
  // Leading zeros do not count, even in a run longer than 19 digits.
  ["0000000000000000000000001", "2", true],
  ["2", "0000000000000000000000001", false],
  // Runs equal as numbers are ties: the last run of a decides, so each is less than the other.
  ["a01", "a1", true],
  ["a1", "a01", true],
  ["01", "1", true],
  ["1", "01", true],
  ["a01b", "a1c", true],
  ["a01c", "a1b", false],
  // A digit run against text compares as text.
  ["1", "a", true],
  ["a", "1", false],
  // An empty value is neither less nor greater.
  ["", "x", false],
  ["x", "", false],
  // Text runs compare as Go strings, by UTF-8 bytes.
  ["～", "😀", true],
  ["😀", "～", false],
  ["a～1", "a😀1", true],
];

test.each(cases)("naturalLess(%p, %p) is %p, as natsort.Compare", (a, b, want) => {
  expect(naturalLess(a, b)).toBe(want);
});
