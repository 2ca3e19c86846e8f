import { expect, test } from "bun:test";
import { addFieldFilter, addStreamMatcher, quoteLogQL } from "./logql_edit.ts";

test.each([
  ['{app="api"}', "job", "x", false, '{app="api", job="x"}'],
  ['{app="api"} |= "a}b"', "job", "x", true, '{app="api", job!="x"} |= "a}b"'],
  ['{app="a}\\"b"}', "k", "v", false, '{app="a}\\"b", k="v"}'],
  ["{}", "k", "v", false, '{k="v"}'],
])("addStreamMatcher(%p, %p) puts the matcher in the selector", (q, name, value, out, want) => {
  expect(addStreamMatcher(q, name, value, out)).toBe(want);
});

test("addStreamMatcher() refuses a query without a selector", () => {
  expect(() => addStreamMatcher('|= "x"', "a", "b")).toThrow(/has no stream selector/);
});

test("addFieldFilter() adds the parser stage once", () => {
  expect(addFieldFilter('{app="api"}', "logfmt", "status", "500")).toBe(
    '{app="api"} | logfmt | status="500"',
  );
  expect(addFieldFilter('{app="api"} | json ', "logfmt", "s", "1", true)).toBe(
    '{app="api"} | json | s!="1"',
  );
});

test("values are quoted and escaped", () => {
  expect(quoteLogQL('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
});
