import { describe, expect, test } from "bun:test";
import { escapedByte, unescapeGo, unquoteGo } from "./go_string.ts";

describe("unquoteGo()", () => {
  const cases: [string, string][] = [
    [`"a\\tb"`, "a\tb"],
    [`'it\\'s'`, "it's"],
    ["`a\\b`", "a\\b"],
    [`"\\u00e9\\x41\\101"`, "éAA"],
    [`"\\xc3\\xa9"`, "é"],
    [`"\\U0001F600"`, "😀"],
    [`"ü"`, "ü"],
    [`"\\a\\b\\f\\n\\r\\v\\\\\\""`, '\x07\b\f\n\r\v\\"'],
    // A byte that is not UTF-8 is kept as its escaped byte (printed back as \xff).
    [`"a\\xffb"`, `a${escapedByte(0xff)}b`],
    [`"\\xc3"`, escapedByte(0xc3)],
  ];
  test.each(cases)("unquotes %p as Go does", (literal, want) => {
    expect(unquoteGo(literal)).toBe(want);
  });

  test.each([`"abc`, `"\\q"`, "abc", `"\\x4"`, `"\\400"`, `"\\ud800"`, `"\\U00110000"`])(
    "refuses %p with a SyntaxError",
    (literal) => {
      expect(() => unquoteGo(literal)).toThrow(SyntaxError);
    },
  );
});

describe("unescapeGo() lenient", () => {
  test("keeps a malformed escape as written and decodes the rest", () => {
    expect(unescapeGo("a\\qb\\n\\x4", "lenient")).toBe("a\\qb\n\\x4");
  });

  test("returns text without a backslash as it is", () => {
    const text = "plain text";
    expect(unescapeGo(text, "lenient")).toBe(text);
  });
});
