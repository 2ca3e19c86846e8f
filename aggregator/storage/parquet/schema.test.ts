import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { labelsFromRow, labelsToJson, sqlList, sqlString } from "./schema.ts";

describe("labelsToJson()", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["leaves __name__ out", { __name__: "up", job: "api" }, '{"job":"api"}'],
    [
      "keeps label order for integer-like names",
      { b: "1", "10": "x", a: "2" },
      '{"10":"x","a":"2","b":"1"}',
    ],
    ["escapes quotes and control characters", { q: 'say "hi"\n' }, '{"q":"say \\"hi\\"\\n"}'],
    ["writes {} for a series with only a name", { __name__: "up" }, "{}"],
    [
      "writes names in the code-unit order files were written in before, 😀 before ～",
      { "～": "1", "😀": "2" },
      '{"😀":"2","～":"1"}',
    ],
  ];
  test.each(cases)("%s", (_name, record, json) => {
    expect(labelsToJson(labelsFromRecord(record))).toBe(json);
  });
});

describe("labelsFromRow()", () => {
  const cases: [string, Record<string, string>][] = [
    ["round-trips a usual series", { __name__: "http_requests_total", job: "api", status: "200" }],
    ["round-trips a series without a name", { job: "api" }],
    [
      "round-trips upper-case names that sort before __name__",
      { Zone: "a", __name__: "m", z: "b" },
    ],
    ["round-trips unicode values", { __name__: "m", path: "/ü/😀" }],
    [
      "round-trips names that sort apart in UTF-8 and UTF-16",
      { __name__: "m", "～": "1", "😀": "2" },
    ],
  ];
  test.each(cases)("%s", (_name, record) => {
    const labels = labelsFromRecord(record);
    expect(labelsFromRow(record.__name__ ?? "", labelsToJson(labels))).toEqual(labels);
  });
});

describe("SQL literals", () => {
  test("sqlString() doubles single quotes", () => {
    expect(sqlString("it's")).toBe("'it''s'");
  });
  test("sqlList() quotes every item", () => {
    expect(sqlList(["a", "b'c"])).toBe("['a', 'b''c']");
  });
});
