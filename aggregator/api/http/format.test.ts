import { describe, expect, test } from "bun:test";
import type { QueryResult, QueryStats } from "../../promql/value.ts";
import { formatTimestamp, formatValue, labelsJson, queryDataJson } from "./format.ts";

describe("formatValue()", () => {
  // [value, Prometheus's text]
  const cases: [number, string][] = [
    [1, "1"],
    [0, "0"],
    [-0, "-0"],
    [0.1, "0.1"],
    [0.1 + 0.2, "0.30000000000000004"],
    [-2.5, "-2.5"],
    [123456789012, "123456789012"],
    [1e20, "100000000000000000000"],
    [1e21, "1e+21"],
    [1.5e300, "1.5e+300"],
    [0.000001, "0.000001"],
    [1.5e-7, "1.5e-07"],
    [-1e-10, "-1e-10"],
    [5e-324, "5e-324"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
  ];
  for (const [v, text] of cases) {
    test(`writes ${text} as Go's AppendFloat does`, () => {
      expect(formatValue(v)).toBe(text);
    });
  }
});

describe("formatTimestamp()", () => {
  // [Unix ms, Prometheus's text]
  const cases: [number, string][] = [
    [1435781451781, "1435781451.781"],
    [1435781451000, "1435781451"],
    [1500, "1.500"],
    [1050, "1.050"],
    [1005, "1.005"],
    [0, "0"],
    [-1500, "-1.500"],
    [-5, "-0.005"],
  ];
  for (const [ms, text] of cases) {
    test(`writes ${ms} ms as ${text}`, () => {
      expect(formatTimestamp(ms)).toBe(text);
    });
  }
});

describe("labelsJson()", () => {
  test("writes labels in their order with JSON escapes", () => {
    expect(labelsJson(["__name__", "up", "path", 'a"b\n'])).toBe(
      '{"__name__":"up","path":"a\\"b\\n"}',
    );
    expect(labelsJson([])).toBe("{}");
  });
});

describe("queryDataJson()", () => {
  const up = ["__name__", "up", "job", "node"];
  // [what, result, Prometheus's data]
  const cases: [string, QueryResult, string][] = [
    [
      "a vector",
      { type: "vector", samples: [{ labels: up, t: 1435781451781, v: 1 }] },
      '{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"node"},"value":[1435781451.781,"1"]}]}',
    ],
    ["an empty vector", { type: "vector", samples: [] }, '{"resultType":"vector","result":[]}'],
    [
      "a matrix",
      {
        type: "matrix",
        series: [
          { labels: up, timestamps: Float64Array.of(1000, 16000), values: Float64Array.of(0, 0.5) },
          { labels: [], timestamps: Float64Array.of(1000), values: Float64Array.of(Number.NaN) },
        ],
      },
      '{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"node"},"values":[[1,"0"],[16,"0.5"]]},{"metric":{},"values":[[1,"NaN"]]}]}',
    ],
    ["a scalar", { type: "scalar", t: 2500, v: 2 }, '{"resultType":"scalar","result":[2.5,"2"]}'],
    [
      "a large scalar, without an exponent",
      { type: "scalar", t: 2000, v: 1e21 },
      '{"resultType":"scalar","result":[2,"1000000000000000000000"]}',
    ],
    [
      "a string",
      { type: "string", t: 2120, v: 'say "hi" <b>' },
      '{"resultType":"string","result":[2.12,"say \\"hi\\" \\u003cb\\u003e"]}',
    ],
  ];
  for (const [what, result, json] of cases) {
    test(`encodes ${what} as Prometheus does`, () => {
      expect(queryDataJson(result)).toBe(json);
      JSON.parse(json);
    });
  }

  test("writes stats timings in whole nanoseconds, as Go's Duration.Seconds()", () => {
    const timings = { parseSeconds: 0, queryPrepareSeconds: 0.1, evalSeconds: 0.2 };
    const stats = { totalQueryableSamples: 0, peakSamples: 0 };
    const noisy = 0.00040176500000234226;
    const data = JSON.parse(
      queryDataJson(
        { type: "scalar", t: 0, v: 1 },
        { ...stats, timings: { ...timings, totalSeconds: noisy } },
      ),
    );
    expect([data.stats.timings.evalTotalTime, data.stats.timings.execTotalTime]).toEqual([
      0.3, 0.000401765,
    ]);
  });

  test("adds the stats object in Prometheus's shape", () => {
    const stats: QueryStats = {
      totalQueryableSamples: 10,
      peakSamples: 4,
      timings: {
        parseSeconds: 0.001,
        queryPrepareSeconds: 0.002,
        evalSeconds: 0.003,
        totalSeconds: 0.006,
      },
    };
    const data = JSON.parse(queryDataJson({ type: "scalar", t: 0, v: 1 }, stats));
    expect(data.stats).toEqual({
      timings: {
        evalTotalTime: 0.005,
        resultSortTime: 0,
        queryPreparationTime: 0.002,
        innerEvalTime: 0.003,
        execQueueTime: 0,
        execTotalTime: 0.006,
      },
      samples: { totalQueryableSamples: 10, peakSamples: 4 },
    });
  });
});
