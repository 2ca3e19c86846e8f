import { describe, expect, test } from "bun:test";
import { buildRequest, renderTable } from "./query.ts";

describe("buildRequest()", () => {
  const now = 1_700_000_000_000;
  // [what, flags, path, form]
  const cases: [string, Parameters<typeof buildRequest>[1], string, Record<string, string>][] = [
    ["asks an instant query without range flags", {}, "/api/v1/query", { query: "up" }],
    [
      "passes --time as Unix seconds",
      { time: "2024-01-01T00:00:00Z" },
      "/api/v1/query",
      { query: "up", time: "1704067200" },
    ],
    [
      "reads now-10m and -1h as times before now",
      { start: "-1h", end: "now-10m", step: "1m" },
      "/api/v1/query_range",
      { query: "up", start: "1699996400", end: "1699999400", step: "60" },
    ],
    [
      "asks the last hour at a 15 s step when only --step is given",
      { step: "15s" },
      "/api/v1/query_range",
      { query: "up", start: "1699996400", end: "1700000000", step: "15" },
    ],
    [
      "picks a step of about 250 points when none is given",
      { start: "1699913600", end: "1700000000" },
      "/api/v1/query_range",
      { query: "up", start: "1699913600", end: "1700000000", step: "346" },
    ],
  ];
  for (const [what, flags, path, form] of cases) {
    test(what, () => {
      const r = buildRequest("up", flags, now);
      expect(r.path).toBe(path);
      expect(Object.fromEntries(r.form)).toEqual(form);
    });
  }

  test("refuses --time together with a range", () => {
    expect(() => buildRequest("up", { time: "1", step: "1m" }, now)).toThrow("--time");
  });
});

describe("renderTable()", () => {
  // [result type, result, lines]
  const cases: [string, unknown, string[]][] = [
    ["scalar", [1, "42"], ["42"]],
    ["string", [1, "hello"], ["hello"]],
    [
      "vector",
      [
        { metric: { __name__: "up", job: "node" }, value: [1, "1"] },
        { metric: {}, value: [1, "0.5"] },
      ],
      ['up{job="node"}  1', "{}              0.5"],
    ],
    [
      "matrix",
      [
        {
          metric: { job: "x" },
          values: [
            [0, "1"],
            [60, "NaN"],
          ],
        },
      ],
      ['{job="x"}', "  1970-01-01T00:00:00.000Z  1", "  1970-01-01T00:01:00.000Z  NaN"],
    ],
    ["vector", [], []],
  ];
  for (const [type, result, lines] of cases) {
    test(`lays out a ${type} answer`, () => {
      expect(renderTable(type, result)).toEqual(lines);
    });
  }
});
