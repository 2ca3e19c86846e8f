import { describe, expect, test } from "bun:test";
import { SeriesCache } from "./cache.ts";
import { ExpositionLimitError, type ExpositionLimits } from "./limits.ts";
import { parseExposition, parseExpositionInTurns } from "./parse.ts";

const limits: ExpositionLimits = { maxLabels: 3, maxNameLength: 8, maxValueLength: 10 };
const encode = (s: string) => new TextEncoder().encode(s);

function parse(input: string | Uint8Array, format: "text" | "openmetrics" = "text") {
  const body = typeof input === "string" ? encode(input) : input;
  const cache = new SeriesCache();
  cache.beginScrape();
  let samples = 0;
  parseExposition(body, format, cache, { sample: () => samples++ }, limits);
  return samples;
}

function limitOf(input: string | Uint8Array, format: "text" | "openmetrics" = "text") {
  try {
    parse(input, format);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpositionLimitError);
    return (e as ExpositionLimitError).limit;
  }
  return "none";
}

/** `[case, input, the limit it breaks or "none"]`. */
const cases: [string, string, string][] = [
  ["a value at the limit", 'm{a="0123456789"} 1\n', "none"],
  ["a value one byte over", 'm{a="0123456789x"} 1\n', "label_value_length_limit"],
  ["a value over in bytes, not characters", 'm{a="ééééééé"} 1\n', "label_value_length_limit"],
  ["a metric name over the value limit", "metric_name_x 1\n", "label_value_length_limit"],
  [
    "a quoted metric name over the value limit",
    '{"metric.name.x"} 1\n',
    "label_value_length_limit",
  ],
  ["a label name at the limit", 'm{abcdefgh="v"} 1\n', "none"],
  ["a label name one byte over", 'm{abcdefghi="v"} 1\n', "label_name_length_limit"],
  ["a quoted label name over", 'm{"abcdefghi"="v"} 1\n', "label_name_length_limit"],
  ["labels at the limit, __name__ included", 'm{a="1",b="2"} 1\n', "none"],
  ["one label too many", 'm{a="1",b="2",c="3"} 1\n', "label_limit"],
];

describe("parseExposition() with limits", () => {
  test.each(cases)("%s", (_, input, limit) => {
    expect(limitOf(input)).toBe(limit);
  });

  test("applies them to OpenMetrics too", () => {
    expect(limitOf('m{a="0123456789x"} 1\n# EOF\n', "openmetrics")).toBe(
      "label_value_length_limit",
    );
  });

  test("refuses a 50 MB label value without decoding it", () => {
    const head = encode('m{a="');
    const body = new Uint8Array(head.length + 50_000_000 + 5).fill(0x61);
    body.set(head, 0);
    body.set(encode('"} 1\n'), body.length - 5);
    const started = performance.now();
    expect(limitOf(body)).toBe("label_value_length_limit");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("parseExpositionInTurns()", () => {
  test("lets timers run during a long parse and delivers what parseExposition() does", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`series_${i}{k="v${i % 7}"} ${i}\n`);
    const body = encode(lines.join(""));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const cache = new SeriesCache();
    cache.beginScrape();
    let sum = 0;
    const stats = await parseExpositionInTurns(body, "text", cache, {
      sample: (_e, v) => {
        sum += v;
      },
    });
    clearInterval(timer);
    expect(stats.samples).toBe(200_000);
    expect(sum).toBe((199_999 * 200_000) / 2);
    expect(ticks).toBeGreaterThan(0);
  });
});
