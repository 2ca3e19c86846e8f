import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import { query, samplesOf, seriesOf } from "./testing.ts";

// metric: 1 at 0s, 2 at 10s, stale at 20s, 4 at 30s.
const store = new MemoryStorage()
  .addEvery({ __name__: "metric", job: "a" }, 10_000, [1, 2, "stale", 4])
  .addEvery({ __name__: "other", job: "a" }, 60_000, [10, 20, 30]);

describe("instant vector selectors", () => {
  const cases: [string, string, number, Record<string, number>][] = [
    [
      "return the latest sample at the step",
      "metric",
      15_000,
      { '{__name__="metric",job="a"}': 2 },
    ],
    ["return nothing after a staleness marker", "metric", 25_000, {}],
    [
      "return a sample up to the lookback delta later",
      "metric",
      329_000,
      { '{__name__="metric",job="a"}': 4 },
    ],
    ["exclude a sample exactly the lookback delta old", "metric", 330_000, {}],
    ["apply an offset", "other offset 1m", 120_000, { '{__name__="other",job="a"}': 20 }],
    ["apply a negative offset", "other offset -1m", 0, { '{__name__="other",job="a"}': 20 }],
    ["pin to @", "other @ 60", 500_000, { '{__name__="other",job="a"}': 20 }],
    ["pin to @ with an offset", "other @ 120 offset 1m", 0, { '{__name__="other",job="a"}': 20 }],
    ["give timestamp() the sample's own time", "timestamp(other)", 90_000, { '{job="a"}': 60 }],
    [
      "give timestamp() of a pinned selector the pinned sample's time",
      "timestamp(other @ 70)",
      0,
      { '{job="a"}': 60 },
    ],
  ];
  for (const [name, q, t, want] of cases) {
    test(name, async () => {
      expect(samplesOf(await query(store, q, { time: t }))).toEqual(want);
    });
  }
});

test("a range query repeats the lookup at every step", async () => {
  const out = await query(store, "metric", { start: 0, end: 40_000, step: 10_000 });
  expect(seriesOf(out)).toEqual({
    '{__name__="metric",job="a"}': [
      [0, 1],
      [10_000, 2],
      [30_000, 4],
      [40_000, 4],
    ],
  });
});

test("@ start() and @ end() pin to the range query's bounds", async () => {
  const first = await query(store, "other @ start()", {
    start: 60_000,
    end: 120_000,
    step: 60_000,
  });
  const last = await query(store, "other @ end()", { start: 60_000, end: 120_000, step: 60_000 });
  expect(Object.values(seriesOf(first))[0].map(([, v]) => v)).toEqual([20, 20]);
  expect(Object.values(seriesOf(last))[0].map(([, v]) => v)).toEqual([30, 30]);
});

test("an instant query of a range selector returns the window's raw samples", async () => {
  const out = await query(store, "metric[30s]", { time: 30_000 });
  expect(out.result).toEqual({
    type: "matrix",
    series: [
      {
        labels: ["__name__", "metric", "job", "a"],
        timestamps: Float64Array.from([10_000, 30_000]),
        values: Float64Array.from([2, 4]),
      },
    ],
  });
});
