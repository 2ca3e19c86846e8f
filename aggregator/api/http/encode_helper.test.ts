import { afterAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { pollUntil } from "../../../test/harness/poll.ts";
import type { QueryResult, QueryStats, SeriesPoints } from "../../promql/value.ts";
import { EncodeHelper } from "./encode_helper.ts";
import { queryDataJson } from "./format.ts";
import { queryDataJsonParallel, type SeriesEncoder } from "./large_answers.ts";
import { success } from "./respond.ts";

/** The body of a success answer around `data`. */
const body = (data: Parameters<typeof success>[0]) => success(data, ["a <warning>"]).text();

/** `count` series of uneven lengths, with the values Prometheus writes specially. */
function matrix(count: number, points: number): QueryResult {
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 1.5e-7, 0.1 + 0.2];
  const series: SeriesPoints[] = Array.from({ length: count }, (_, s) => {
    const n = points + ((s * 37) % 101);
    return {
      labels: ["__name__", "x", "s", `v"${s}\\<&>\u2028`],
      timestamps: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_123 + i * 15_500),
      values: Float64Array.from({ length: n }, (_, i) =>
        i % 50 === 0 ? specials[(i / 50 + s) % specials.length] : Math.sin(s + i) * 1e3,
      ),
    };
  });
  return { type: "matrix", series };
}

const STATS: QueryStats = {
  timings: { parseSeconds: 0, queryPrepareSeconds: 0.001, evalSeconds: 0.002, totalSeconds: 0.003 },
  totalQueryableSamples: 12,
  peakSamples: 3,
};

describe("queryDataJsonParallel()", () => {
  const registry = new Registry();
  const helper = new EncodeHelper(registry);
  afterAll(() => helper.close());

  test.each([
    ["a large range answer, half written by the helper", matrix(40, 1_000)],
    ["a small one, written here alone", matrix(3, 10)],
    ["two series", matrix(2, 15_000)],
    ["an instant vector", { type: "vector", samples: [{ labels: [], t: 1, v: 2 }] } as QueryResult],
  ])("writes %s byte for byte as queryDataJson()", async (_, result) => {
    const want = await body(queryDataJson(result, STATS));
    expect(await body(await queryDataJsonParallel(result, STATS, { encoder: helper }))).toBe(want);
    expect(await body(await queryDataJsonParallel(result, undefined, { encoder: helper }))).toBe(
      await body(queryDataJson(result)),
    );
  });

  test("writes everything here when the helper fails or is gone, and counts the failure", async () => {
    const failing: SeriesEncoder = { encode: () => Promise.reject(new Error("boom")) };
    const result = matrix(40, 1_000);
    const want = await body(queryDataJson(result, STATS));
    expect(await body(await queryDataJsonParallel(result, STATS, { encoder: failing }))).toBe(want);
    // A series the helper cannot write fails that answer alone.
    const broken = [{ labels: null, timestamps: new Float64Array(1), values: new Float64Array(1) }];
    await expect(helper.encode(broken as unknown as SeriesPoints[])).rejects.toThrow();
    const counted = () => registry.render().includes("outpost_api_encode_helper_failures_total 1");
    await pollUntil(counted, "the failure counted", 2_000).catch(() => {});
    expect(registry.render()).toContain("outpost_api_encode_helper_failures_total 1");
    const closed = new EncodeHelper();
    closed.close();
    expect(closed.encode(result.type === "matrix" ? result.series : [])).toBeNull();
    expect(await body(await queryDataJsonParallel(result, STATS, { encoder: closed }))).toBe(want);
  });
});
