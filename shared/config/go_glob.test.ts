import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goGlob, goMatch } from "./go_glob.ts";

describe("goMatch()", () => {
  test.each([
    ["*.tmpl", ".hidden.tmpl", true],
    ["*", "a/b", false],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["[ab].tmpl", "b.tmpl", true],
    ["[^b].tmpl", "b.tmpl", false],
    ["[!b].tmpl", "b.tmpl", true],
    ["[a-c]x", "bx", true],
    ["[z-a]", "m", false],
    ["[\\]]", "]", true],
    ["\\*", "*", true],
    ["{a,b}.tmpl", "a.tmpl", false],
    ["{a,b}.tmpl", "{a,b}.tmpl", true],
    ["**.tmpl", "a.tmpl", true],
    ["é?", "éü", true],
  ])("matches %p against %p as Go does (%p)", (pattern, name, expected) => {
    expect(goMatch(pattern, name)).toBe(expected);
  });

  test.each(["[", "x[", "[]", "[^]", "[a-]", "[-a]", "[]a]", "[a-b-c]", "[\\", "a\\", "*["])(
    "refuses %p as Go's ErrBadPattern, even where nothing would match",
    (pattern) => {
      expect(() => goMatch(pattern, "zzz")).toThrow(new SyntaxError("syntax error in pattern"));
    },
  );
});

describe("goGlob()", () => {
  const dir = mkdtempSync(join(tmpdir(), "go-glob-"));
  for (const f of ["b.tmpl", "a.tmpl", ".hidden.tmpl", "sub/c.tmpl", "{a,b}.tmpl"]) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "");
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("lists each directory's matches in byte order, dot files and directories included", () => {
    expect(goGlob(join(dir, "*"))).toEqual(
      [".hidden.tmpl", "a.tmpl", "b.tmpl", "sub", "{a,b}.tmpl"].map((f) => join(dir, f)),
    );
  });

  test("reads globs in directory names, and a path without glob characters as it is", () => {
    expect(goGlob(join(dir, "s*", "*.tmpl"))).toEqual([join(dir, "sub", "c.tmpl")]);
    expect(goGlob(join(dir, "a.tmpl"))).toEqual([join(dir, "a.tmpl")]);
    expect(goGlob(join(dir, "missing.tmpl"))).toEqual([]);
    expect(goGlob(join(dir, "nowhere", "*"))).toEqual([]);
  });

  test("refuses a malformed pattern before looking at the disk", () => {
    expect(() => goGlob("/nonexistent/[")).toThrow("syntax error in pattern");
  });
});
