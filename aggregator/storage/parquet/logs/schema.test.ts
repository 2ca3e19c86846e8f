import { describe, expect, test } from "bun:test";
import { clampNs, fieldsFromJson, fieldsToJson } from "./schema.ts";

describe("fieldsToJson() and fieldsFromJson()", () => {
  const cases: [string, string[], string | null][] = [
    ["writes no fields as null", [], null],
    ["keeps names in insertion order", ["z", "1", "a", "2"], '{"z":"1","a":"2"}'],
    ["keeps integer-like names where they were", ["b", "x", "10", "y"], '{"b":"x","10":"y"}'],
    ["keeps a repeated name twice", ["k", "1", "k", "2"], '{"k":"1","k":"2"}'],
    ["escapes quotes, backslashes and controls", ['a"b', "c\\d\n"], '{"a\\"b":"c\\\\d\\n"}'],
    ["keeps unicode as is", ["名前", "😀 é"], '{"名前":"😀 é"}'],
    ["keeps empty names and values", ["", ""], '{"":""}'],
  ];
  test.each(cases)("%s", (_, fields, json) => {
    expect(fieldsToJson(fields)).toBe(json);
    expect(fieldsFromJson(json)).toEqual(fields);
  });

  test("fieldsFromJson() reads JSON written with spaces by another tool", () => {
    expect(fieldsFromJson('{ "a" : "1", "b": "x\\u0041" }')).toEqual(["a", "1", "b", "xA"]);
  });

  test("fieldsFromJson() refuses an unterminated string", () => {
    expect(() => fieldsFromJson('{"a":"1}')).toThrow(/^Cannot read log fields/);
  });
});

describe("clampNs()", () => {
  test.each([
    [0n, 0n],
    [-(2n ** 63n), -9_223_286_400_000_000_000n],
    [2n ** 63n - 1n, 2n ** 63n - 2n],
  ])("clamps %p to %p", (ns, want) => {
    expect(clampNs(ns)).toBe(want);
  });
});
