import { describe, expect, test } from "bun:test";
import { importParser } from "./atmodifier.ts";
import { NATIVE_HISTOGRAMS, nhcbSeriesOf, START_TIMESTAMPS, Unsupported } from "./unsupported.ts";

function noted(): Unsupported {
  const u = new Unsupported();
  u.add(["__name__", "http_requests_histogram", "job", "app-server"], NATIVE_HISTOGRAMS);
  u.add(["__name__", "cumulative", "type", "st"], START_TIMESTAMPS);
  return u;
}

describe("Unsupported", () => {
  const byText: [string, string | null][] = [
    ["sum(http_requests_histogram)", NATIVE_HISTOGRAMS],
    ['count({__name__=~"http_requests(_histogram)?"})', NATIVE_HISTOGRAMS],
    ["rate(cumulative[5m])", START_TIMESTAMPS],
    ["sum(http_requests)", null],
    ['{job="app-server"} == 80', null],
  ];
  test.each(byText)("without a parser judges %p by its text", (query, want) => {
    expect(noted().reasonFor(query)).toBe(want);
  });

  const bySelector: [string, string | null][] = [
    ["sum(http_requests_histogram)", NATIVE_HISTOGRAMS],
    ['{job="app-server"} == 80', NATIVE_HISTOGRAMS],
    ['max_over_time({job=~"app.*"}[5m:1m])', NATIVE_HISTOGRAMS],
    ['rate(cumulative{type!="other"}[5m])', START_TIMESTAMPS],
    ['sum(http_requests{job="app-server"})', null],
    ['{job="api-server"}', null],
  ];
  test.each(bySelector)("with the parser judges %p by its selectors", async (query, want) => {
    const parser = await importParser();
    expect(parser).toBeDefined();
    expect(noted().reasonFor(query, parser)).toBe(want);
  });

  test("clear() forgets the noted series", () => {
    const u = noted();
    u.clear();
    expect(u.reasonFor("sum(http_requests_histogram)")).toBeNull();
  });
});

describe("nhcbSeriesOf()", () => {
  const cases: [string[], string[] | undefined][] = [
    [
      ["__name__", "h_bucket", "job", "a", "le", "0.1"],
      ["__name__", "h", "job", "a"],
    ],
    [
      ["__name__", "h_count", "job", "a"],
      ["__name__", "h", "job", "a"],
    ],
    [
      ["__name__", "h_sum"],
      ["__name__", "h"],
    ],
    [["__name__", "h_total", "le", "1"], undefined],
  ];
  test.each(cases)("derives the native histogram series of %p", (labels, want) => {
    expect(nhcbSeriesOf(labels)).toEqual(want);
  });
});
