import { describe, expect, test } from "bun:test";
import { fileKey, fingerprintOf, parseFileKey, prefixMatches } from "./identity.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("identity", () => {
  test("parseFileKey() reads back what fileKey() wrote", () => {
    const fp = fingerprintOf(bytes("hello"));
    const key = fileKey("64768", "18446744073709551615", fp, "app:logs");
    expect(parseFileKey(key)).toEqual({
      dev: "64768",
      ino: "18446744073709551615",
      fp,
      sourceId: "app:logs",
    });
  });

  test.each(["", "1:2:3@x", "a:b:1:00000000000000ff@x"])("parseFileKey(%p) is null", (key) => {
    expect(parseFileKey(key)).toBeNull();
  });

  test.each([
    ["the same bytes", "hello", "hello", true],
    ["a longer file starting with them", "hello", "hello world", true],
    ["a shorter file", "hello", "hell", false],
    ["other bytes", "hello", "jello", false],
    ["anything, for an empty fingerprint", "", "x", true],
  ])("prefixMatches() holds for %s", (_name, original, file, want) => {
    expect(prefixMatches(bytes(file), fingerprintOf(bytes(original)))).toBe(want);
  });
});
