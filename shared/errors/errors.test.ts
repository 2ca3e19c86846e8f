import { expect, test } from "bun:test";
import { CONNECT_CODES, codeOf, OutpostError } from "./errors.ts";

test("codeOf() gives an OutpostError's code, and internal for anything else", () => {
  expect(codeOf(new OutpostError("bad_data", "x"))).toBe("bad_data");
  expect(codeOf(new RangeError("x"))).toBe("internal");
  expect(codeOf("text")).toBe("internal");
});

test("an OutpostError subclass is named after itself", () => {
  class ParseFailure extends OutpostError {}
  expect(new ParseFailure("bad_data", "x").name).toBe("ParseFailure");
});

test("every code has a Connect code", () => {
  const codes = ["bad_data", "execution", "timeout", "canceled", "internal"] as const;
  for (const c of codes) expect(CONNECT_CODES[c]).toBeString();
});
