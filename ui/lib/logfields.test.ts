import { expect, test } from "bun:test";
import { MAX_PARSE_CHARS, parseFields, parseLogfmt, sanitizeKey } from "./logfields.ts";

const f = (name: string, value: string) => ({ name, value });

test.each([
  ["a=1 b=two", [f("a", "1"), f("b", "two")]],
  ['msg="hello world" level=info', [f("msg", "hello world"), f("level", "info")]],
  ['q="say \\"hi\\"\\n" x=', [f("q", 'say "hi"\n'), f("x", "")]],
  ["flag a=1", [f("flag", ""), f("a", "1")]],
  ["http.status=200", [f("http_status", "200")]],
  ['  spaced=1\tnext="unterminated', [f("spaced", "1"), f("next", "unterminated")]],
])("parseLogfmt(%p) reads its pairs", (line, want) => {
  expect(parseLogfmt(line)).toEqual(want);
});

test("plain text is not logfmt", () => {
  expect(parseLogfmt("request served in 3ms")).toBeNull();
  expect(parseFields("request served").format).toBeNull();
});

test("a JSON object is flattened as Loki's json stage does: nested keys joined, arrays skipped", () => {
  const got = parseFields('{"level":"warn","http":{"status":503,"ok":false},"tags":[1],"n":null}');
  expect(got).toEqual({
    format: "json",
    fields: [f("level", "warn"), f("http_status", "503"), f("http_ok", "false"), f("n", "")],
    truncated: false,
  });
});

test("malformed JSON falls back to logfmt", () => {
  expect(parseFields('{"a":1 b=2}')).toMatchObject({ format: "logfmt" });
});

test("keys become label names", () => {
  expect(["a-b", "1st", "ok_1", "ü"].map(sanitizeKey)).toEqual(["a_b", "_1st", "ok_1", "_"]);
});

test("a line over the cap is read only up to it, and not as JSON", () => {
  const long = `a=1 ${"x".repeat(MAX_PARSE_CHARS)} tail=2`;
  const got = parseFields(long);
  expect(got.truncated).toBe(true);
  expect(got.fields.map((x) => x.name)).toEqual(["a", "x".repeat(MAX_PARSE_CHARS - 4)]);
  expect(parseFields(`{"a":"${"y".repeat(MAX_PARSE_CHARS)}"}`).format).toBeNull();
});

test("parsing time grows linearly with the line", () => {
  // Many quotes and escapes: a quadratic scanner would take seconds on 64 KiB.
  const line = 'k="\\"'.repeat(MAX_PARSE_CHARS / 5);
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) parseFields(line);
  expect(performance.now() - t0).toBeLessThan(2000);
});
