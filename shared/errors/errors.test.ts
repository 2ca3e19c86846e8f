import { expect, test } from "bun:test";
import { CONNECT_CODES, causeOfType, codeOf, findCause, OutpostError } from "./errors.ts";

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

test("causeOfType() and findCause() look through an error's causes, itself first, 8 deep", () => {
  const own = new OutpostError("timeout", "query timed out");
  const wrapped = new Error("Cannot read files", { cause: new Error("scan", { cause: own }) });
  expect(causeOfType(wrapped, OutpostError)).toBe(own);
  expect(causeOfType(own, OutpostError)).toBe(own);
  expect(causeOfType(new Error("x"), OutpostError)).toBeUndefined();
  expect(findCause(wrapped, (e) => e.message === "scan")?.message).toBe("scan");
  let deep: Error = own;
  for (let i = 0; i < 8; i++) deep = new Error(`wrap ${i}`, { cause: deep });
  expect(causeOfType(deep, OutpostError)).toBeUndefined();
  expect(findCause("not an error", () => true)).toBeUndefined();
});
