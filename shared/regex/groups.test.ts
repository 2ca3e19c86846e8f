import { describe, expect, test } from "bun:test";
import { scanGroups } from "./groups.ts";

// [pattern, pattern without names, group names from index 1, whether the parentheses balance]
const cases: [string, string, string[], boolean][] = [
  ["(a)(?:b)(?i)c", "(a)(?:b)(?i)c", [""], true],
  ["(?P<host>[^:]+):(?<port>\\d+)", "([^:]+):(\\d+)", ["host", "port"], true],
  ["(?P<n>a)|(?P<n>b)", "(a)|(b)", ["n", "n"], true],
  ["\\(a\\)", "\\(a\\)", [], true], // escaped parentheses open nothing
  ["[(]a[)]", "[(]a[)]", [], true], // nor do parentheses in a class
  ["[]()]", "[]()]", [], true], // `]` first in a class is a member
  ["[^]()]", "[^]()]", [], true],
  ["[[:alpha:]()]", "[[:alpha:]()]", [], true],
  ["\\Q(?P<x>\\E(y)", "\\Q(?P<x>\\E(y)", [""], true], // nor does quoted text
  ["a)|(b", "a)|(b", [""], false],
  ["\\Qa(b", "\\Qa(b\\E", [], true], // a quote left open is closed, for a wrapper's sake
  ["\\Qa\\Eb\\Q", "\\Qa\\Eb\\Q\\E", [], true],
  ["\\Q\\E", "\\Q\\E", [], true],
  ["(?P<a-b>x)", "(?P<a-b>x)", [], true], // a malformed name is left for re2js to reject
  ["(?P<n", "(?P<n", [], true], // an unclosed group is for re2js to report
];

describe("scanGroups()", () => {
  test.each(cases)("reads %j", (pattern, unnamed, names, balanced) => {
    expect(scanGroups(pattern)).toEqual({ unnamed, groupNames: ["", ...names], balanced });
  });
});
