import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import { PromQLError } from "../value.ts";
import { TOO_MANY_SAMPLES } from "./limits.ts";
import { observed, query, samplesOf, seriesOf } from "./testing.ts";

// x_total counts 1, 2, 3, … every 10 s from 0 s.
const store = new MemoryStorage().addEvery(
  { __name__: "x_total" },
  10_000,
  Array.from({ length: 200 }, (_, i) => i + 1),
);

describe("subqueries", () => {
  const cases: [string, number, number][] = [
    // Inner steps at 980, 990, 1000 s: values 99, 100, 101.
    ["sum_over_time(x_total[30s:10s])", 1_000_000, 300],
    // The grid is aligned to absolute multiples of the step, whatever the offset.
    ["sum_over_time(x_total[30s:10s] offset 3s)", 1_010_000, 300],
    // Steps every 5 s repeat each stored value: 98 + 99*2 + 100*2 + 101.
    ["sum_over_time(x_total[30s:5s])", 1_000_000, 597],
    // @ pins the whole subquery, whatever the evaluation time.
    ["sum_over_time(x_total[30s:10s] @ 1000)", 50_000, 300],
    // [range:] steps by the default interval (1 m): 960 s and 1020 s.
    ["sum_over_time(x_total[2m:])", 1_020_000, 97 + 103],
    ["max_over_time(rate(x_total[1m])[5m:1m])", 1_000_000, 0.1],
  ];
  for (const [q, t, want] of cases) {
    test(`${q} at ${t / 1000}s gives ${want}`, async () => {
      expect(Object.values(samplesOf(await query(store, q, { time: t })))).toEqual([want]);
    });
  }

  test("a name-dropping inner expression keeps its name dropped through last_over_time", async () => {
    const out = await query(store, "last_over_time(abs(x_total)[1m:])", { time: 1_000_000 });
    expect(samplesOf(out)).toEqual({ "{}": 97 });
  });

  test("an instant query of a subquery returns its points", async () => {
    const out = await query(store, "x_total[30s:10s]", { time: 1_000_000 });
    expect(out.result.type).toBe("matrix");
    if (out.result.type !== "matrix") return;
    expect([...out.result.series[0].timestamps]).toEqual([980_000, 990_000, 1_000_000]);
    expect([...out.result.series[0].values]).toEqual([99, 100, 101]);
  });

  test("a range query evaluates the inner expression once over every window", async () => {
    const out = await query(store, "count_over_time(x_total[1m:30s])", {
      start: 0,
      end: 120_000,
      step: 60_000,
    });
    expect(seriesOf(out)["{}"]).toEqual([
      [0, 1],
      [60_000, 2],
      [120_000, 2],
    ]);
  });
});

describe("subqueries and the sample limit", () => {
  // [query, maxSamples, refused] at 1000 s. [1h:1s] is 3,600 steps of each series it reads.
  const cases: [string, number, boolean][] = [
    ["x_total[30d:1ms]", 50_000_000, true],
    ["sum_over_time(x_total[30d:1ms])", 50_000_000, true],
    ["max_over_time(vector(1)[30d:1ms])", 50_000_000, true],
    ["max_over_time(x_total[1h:1s])", 3_600, false],
    ["max_over_time(x_total[1h:1s])", 3_599, true],
    ["max_over_time((x_total + x_total)[1h:1s])", 7_200, false],
    ["max_over_time((x_total + x_total)[1h:1s])", 7_199, true],
  ];
  for (const [q, maxSamples, refused] of cases) {
    test(`${q} with a limit of ${maxSamples} samples is ${refused ? "refused" : "answered"}`, async () => {
      const run = query(store, q, { time: 1_000_000 }, { maxSamples });
      if (!refused) return expect((await run).result.type).not.toBe("string");
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PromQLError);
      expect([(error as PromQLError).type, (error as PromQLError).message]).toEqual([
        "execution",
        TOO_MANY_SAMPLES,
      ]);
    });
  }

  test("a subquery of more steps than the sample limit is refused before anything is read", async () => {
    const counted = observed(store);
    await query(counted.queryable, "x_total[30d:1ms]", { time: 1_000_000 }).catch(() => {});
    expect(counted.selects).toBe(0);
  });
});
