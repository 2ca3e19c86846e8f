import { expect, test } from "bun:test";
import { addFieldFilter, addStreamMatcher, applyFilter, quoteLogQL } from "./logql_edit.ts";

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
  expect(addFieldFilter('{app="api"}', null, "trace_id", "t1")).toBe('{app="api"} | trace_id="t1"');
});

test("values are quoted and escaped", () => {
  expect(quoteLogQL('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
});

test.each([
  ["label", null, '{app="api"}', "app", '{app="api", app!="x"}'],
  ["label", null, '{app="api"} | logfmt', "seq", '{app="api"} | logfmt | seq!="x"'],
  ["label", null, '{app="api"} | logfmt', "app", '{app="api"} | logfmt | app!="x"'],
  ["label", null, '{app="api"} | logfmt', "job", '{app="api", job!="x"} | logfmt'],
  ["metadata", null, '{app="api"}', "trace_id", '{app="api"} | trace_id!="x"'],
  ["field", "json", '{app="api"}', "seq", '{app="api"} | json | seq!="x"'],
] as const)(
  "applyFilter() puts a %s filter where LogQL takes it (%p, %p)",
  (kind, parser, q, name, want) => {
    const line = "seq=1 app=api";
    expect(applyFilter(q, { kind, parser, name, value: "x", out: true, line })).toBe(want);
  },
);
