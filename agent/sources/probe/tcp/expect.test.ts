// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { describe, expect, test } from "bun:test";
import { compileExpect } from "./expect.ts";

describe("compileExpect()", () => {
  test.each([
    ["^220", "220 ready", ["220"]],
    ["ready", "220 ready now", ["ready"]],
    ["^ready", "220 ready", null],
    ["ok$", "all ok", ["ok"]],
    ["o(k)", "ok ok", ["ok", "k"]],
    ["(?i)HELLO", "say hello", ["hello"]],
    [
      "^SSH-2.0-(?P<version>\\S+)",
      "SSH-2.0-OpenSSH_9.2 extra",
      ["SSH-2.0-OpenSSH_9.2", "OpenSSH_9.2"],
    ],
    ["a|b", "xbxa", ["b"]],
  ])("searches %p anywhere in %p", (pattern, line, groups) => {
    expect(compileExpect(pattern).search(line)).toEqual(groups);
  });

  test.each([
    ["EHLO ${1}", "EHLO mail"],
    ["EHLO $1", "EHLO mail"],
    ["$0!", "220 mail ESMTP!"],
    ["$word-${word}", "ESMTP-ESMTP"],
    ["$1x ${9} $$ $", "  $ $"],
  ])("expands %p as Go's regexp.Expand does", (template, expanded) => {
    const e = compileExpect("^220 ([^ ]+) (?P<word>\\w+)");
    const groups = e.search("220 mail ESMTP ready")!;
    expect(e.expand(template, groups)).toBe(expanded);
  });

  test("compileExpect() names the pattern when it does not compile", () => {
    expect(() => compileExpect("a(b")).toThrow(/^Cannot compile expect regex "a\(b": /);
  });
});
