// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { describe, expect, test } from "bun:test";
import { expandTemplate } from "./expand.ts";
import { compileRegex } from "./regex.ts";

// [template, regex, input, expansion as Go's regexp.Expand gives it]
const cases: [string, string, string, string][] = [
  ["$1", "(f)(o+)", "foo", "f"],
  ["${1}-${2}", "(f)(o+)", "foo", "f-oo"],
  ["ch${1}-ch${1}", "f(.*)", "foo", "choo-choo"],
  ["$1$2$2", "(b)(o)", "bo", "boo"],
  ["$0", "f(o+)", "foo", "foo"], // group 0 is the whole match
  ["$1x", "(f)", "f", ""], // `1x` is one name, and no group has it
  ["${1}x", "(f)", "f", "fx"],
  ["$1.x", "(f)", "f", "f.x"], // `.` ends a name
  ["$$1", "(f)", "f", "$1"], // `$$` is a literal dollar
  ["$$$1", "(f)", "f", "$f"],
  ["$9", "(f)", "f", ""], // a group that does not exist
  ["[$2]", "(a)|(b)", "a", "[]"], // a group that did not take part
  ["$01", "(f)", "f", ""], // a leading zero makes it a name, not a number
  ["$host:$port", "(?P<host>[^:]+):(?P<port>\\d+)", "db:5432", "db:5432"],
  ["${host}_x", "(?P<host>.+)", "db", "db_x"],
  ["$host_x", "(?P<host>.+)", "db", ""], // the name is `host_x`
  ["$1x", "(?P<1x>.+)", "db", "db"], // Go allows names that start with a digit
  ["$n", "(?P<n>a)|(?P<n>b)", "b", "b"], // repeated name: the first that took part
  ["$é", "(?P<e>.)", "x", ""], // Unicode letters belong to names too
  ["cost: $", "(.*)", "x", "cost: $"], // a `$` with no name stays as text
  ["${1", "(f)", "f", "${1"], // so does an unclosed brace
  ["${}", "(f)", "f", "${}"],
  ["$-1", "(f)", "f", "$-1"],
  ["no refs", "(f)", "f", "no refs"],
];

describe("expandTemplate()", () => {
  test.each(cases)("expands %j for /%s/ on %j to %j", (template, pattern, input, expected) => {
    const regex = compileRegex(pattern);
    const match = regex.exec(input);
    expect(match).not.toBeNull();
    expect(expandTemplate(template, match!, regex.groupNames)).toBe(expected);
  });
});
