import { describe, expect, test } from "bun:test";
import { alertFailure, exprFailure, formatFloatE, formatSamples } from "./format.ts";

describe("formatFloatE()", () => {
  const cases: [number, string][] = [
    [0, "0E+00"],
    [1, "1E+00"],
    [120, "1.2E+02"],
    [0.30000000000000004, "3.0000000000000004E-01"],
    [-2.5e-7, "-2.5E-07"],
    [1e100, "1E+100"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
  ];
  for (const [v, want] of cases)
    test(`formatFloatE(${v}) prints ${want} as Go's 'E' format does`, () => {
      expect(formatFloatE(v)).toBe(want);
    });
});

describe("promtool's failure wording", () => {
  test("formatSamples() prints nil for no samples and joins the rest with commas", () => {
    expect(formatSamples([])).toBe("nil");
    expect(
      formatSamples([
        { labels: ["__name__", "a"], value: 1 },
        { labels: [], value: 0.5 },
      ]),
    ).toBe('{__name__="a"} 1E+00, {} 5E-01');
  });

  test("alertFailure() names the test and lists the alerts in numbered blocks", () => {
    const alert = { labels: ["alertname", "X", "job", "a"], annotations: { s: "v" } };
    expect(alertFailure("t1", "X", 90_000, [alert], [])).toBe(
      [
        "    name: t1,",
        "    alertname: X, time: 1m30s, ",
        "        exp:[",
        "            0:",
        '              Labels:{alertname="X", job="a"}',
        '              Annotations:{s="v"}',
        "            ], ",
        "        got:[]",
      ].join("\n"),
    );
  });

  test("exprFailure() quotes the expression and prints both sample lists", () => {
    expect(exprFailure('up{a="b"}', 0, [], [{ labels: [], value: 2 }])).toBe(
      '    expr: "up{a=\\"b\\"}", time: 0s,\n        exp: nil\n        got: {} 2E+00',
    );
  });
});
