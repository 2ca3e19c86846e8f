import { expect, test } from "bun:test";
import { goJson, hashKey, sortKeys, truncate } from "./request.ts";

test("goJson() escapes as Go's encoder does and ends with a newline", () => {
  expect(goJson({ a: "<b>&\u2028", n: 1 })).toBe('{"a":"\\u003cb\\u003e\\u0026\\u2028","n":1}\n');
});

test("hashKey() is the SHA-256 of the group key, as Alertmanager's dedup_key and alias", () => {
  // Observed: Alertmanager 0.25 sent this dedup_key for the group {}:{alertname="Down"}.
  expect(hashKey('{}:{alertname="Down"}')).toBe(
    "af94c9e8f6a3043625e36c6f472fe6be85ac23a9117184ee4cb7b4ad7401a47e",
  );
});

test.each([
  ["abc", 3, "abc", false],
  ["abcd", 3, "abc", true],
  ["abcdef", 4, "abc…", true],
  ["ÜñïçØdé", 5, "Üñïç…", true],
  ["🚨🚨🚨🚨🚨", 4, "🚨🚨🚨…", true],
] as const)("truncate(%j, %d) gives %j", (s, n, out, cut) => {
  expect(truncate(s, n)).toEqual([out, cut]);
});

test("sortKeys() orders keys as Go writes a map", () => {
  expect(Object.keys(sortKeys({ b: 1, B: 2, a: 3 }))).toEqual(["B", "a", "b"]);
});
