import { describe, expect, test } from "bun:test";
import type { QueryResult, QueryStats, SeriesPoints } from "../../promql/value.ts";
import { queryDataJson } from "./format.ts";
import { queryDataJsonParallel } from "./large_answers.ts";

const text = (data: string | (string | Uint8Array)[]) =>
  typeof data === "string"
    ? data
    : data.map((p) => (typeof p === "string" ? p : new TextDecoder().decode(p))).join("");

const STATS: QueryStats = {
  totalQueryableSamples: 1,
  peakSamples: 2,
  timings: { parseSeconds: 0, queryPrepareSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
};

function matrix(count: number, points: number): QueryResult {
  const series: SeriesPoints[] = Array.from({ length: count }, (_, s) => ({
    labels: ["s", String(s)],
    timestamps: Float64Array.from({ length: points }, (_, i) => i * 15_000),
    values: Float64Array.from({ length: points }, (_, i) => (s % 2 === 0 ? s + i / 3 : s * i)),
  }));
  return { type: "matrix", series };
}

describe("queryDataJsonParallel()", () => {
  test("writes a very large vector in chunks, byte for byte as queryDataJson()", async () => {
    const samples = Array.from({ length: 250_001 }, (_, i) => ({
      labels: ["i", String(i)],
      t: 1_000 + i,
      v: i / 7,
    }));
    const result: QueryResult = { type: "vector", samples };
    const parts = await queryDataJsonParallel(result, undefined);
    expect(Array.isArray(parts)).toBe(true);
    expect(text(parts)).toBe(queryDataJson(result));
  });

  test.each([
    ["a very large matrix, in chunks", matrix(1_001, 500)],
    ["a matrix of 2,000 points or more, whole", matrix(10, 300)],
    ["one long series", matrix(1, 30_000)],
  ])("writes %s byte for byte as queryDataJson(), as bytes and as strings", async (_, result) => {
    for (const strings of [false, true]) {
      const parts = await queryDataJsonParallel(result, STATS, { strings });
      expect(Array.isArray(parts)).toBe(true);
      expect(text(parts)).toBe(queryDataJson(result, STATS));
    }
  });

  test("writes a small matrix as one string", async () => {
    const result = matrix(3, 100);
    expect(await queryDataJsonParallel(result, STATS)).toBe(queryDataJson(result, STATS));
  });
});
