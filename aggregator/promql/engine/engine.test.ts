import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import type { Queryable } from "../../storage/storage.ts";
import { MAX_NESTING } from "../parser/parse.ts";
import { PromQLError, type PromQLErrorType } from "../value.ts";
import { Engine } from "./engine.ts";
import { observed, query, samplesOf, seriesOf } from "./testing.ts";

const store = new MemoryStorage()
  .addEvery({ __name__: "a_total", env: "1" }, 60_000, [0, 60, 120])
  .addEvery({ __name__: "b_total", env: "1" }, 60_000, [60, 120, 180])
  .addEvery({ __name__: "c", env: "2" }, 60_000, [5, 6, 7]);

async function failure(run: Promise<unknown>): Promise<PromQLError> {
  const error = await run.catch((e: unknown) => e);
  if (!(error instanceof PromQLError))
    throw new Error(`expected a PromQLError, got ${String(error)}`);
  return error;
}

describe("Engine refuses bad requests as the Prometheus API does", () => {
  const engine = new Engine();
  const cases: [string, () => Promise<unknown>, PromQLErrorType, string][] = [
    [
      "a parse error",
      () => engine.instantQuery(store, "sum(", 0),
      "bad_data",
      "1:5: parse error: unclosed left parenthesis",
    ],
    [
      "an experimental function while they are off",
      () => engine.instantQuery(store, "mad_over_time(c[1m])", 0),
      "bad_data",
      '1:1: parse error: function "mad_over_time" is not enabled',
    ],
    [
      "a range vector in a range query",
      () => engine.rangeQuery(store, "c[1m]", 0, 60_000, 1_000),
      "bad_data",
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
    [
      "an end before the start",
      () => engine.rangeQuery(store, "c", 10, 0, 1),
      "bad_data",
      "end timestamp must not be before start time",
    ],
    [
      "a zero step",
      () => engine.rangeQuery(store, "c", 0, 10, 0),
      "bad_data",
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    ],
    [
      "more than 11,000 points",
      () => engine.rangeQuery(store, "c", 0, 11_001_000, 1_000),
      "bad_data",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    ],
  ];
  for (const [name, run, type, message] of cases) {
    test(name, async () => {
      const error = await failure(run());
      expect([error.type, error.message]).toEqual([type, message]);
    });
  }
});

describe("Engine stops a query at its limits", () => {
  test("past the timeout", async () => {
    const error = await failure(new Engine({ timeoutMs: -1 }).instantQuery(store, "c", 0));
    expect([error.type, error.message]).toEqual([
      "timeout",
      "query timed out in expression evaluation",
    ]);
  });

  test("past the query's own timeout, though the engine's is longer", async () => {
    // Two subqueries of 3.6 M steps each: seconds of synchronous work, with a node boundary
    // between them where the clock is read. Without the query's timeout the engine's 120 s apply.
    const q = "count_over_time(c[1h:1ms]) + count_over_time(c[1h:1ms])";
    const error = await failure(new Engine().instantQuery(store, q, 3_600_000, { timeoutMs: 1 }));
    expect([error.type, error.message]).toEqual([
      "timeout",
      "query timed out in expression evaluation",
    ]);
  });

  test("when its signal aborts", async () => {
    const signal = AbortSignal.abort();
    const error = await failure(new Engine().instantQuery(store, "c", 0, { signal }));
    expect([error.type, error.message]).toEqual([
      "canceled",
      "query was canceled in expression evaluation",
    ]);
  });

  test("past the sample limit with the points of a range vector it answers", async () => {
    const engine = new Engine({ maxSamples: 2 });
    const error = await failure(engine.instantQuery(store, "a_total[5m]", 120_000));
    expect(error.message).toBe(
      "query processing would load too many samples into memory in query execution",
    );
  });

  test("before reading anything when its signal aborted before it started", async () => {
    const store2 = observed(store);
    const signal = AbortSignal.abort();
    const error = await failure(new Engine().instantQuery(store2.queryable, "c", 0, { signal }));
    expect([error.type, store2.selects]).toEqual(["canceled", 0]);
  });

  test("past the sample limit", async () => {
    const engine = new Engine({ maxSamples: 2 });
    const error = await failure(engine.rangeQuery(store, "c", 0, 120_000, 60_000));
    expect([error.type, error.message]).toEqual([
      "execution",
      "query processing would load too many samples into memory in query execution",
    ]);
  });
});

describe("Engine evaluates queries nested as deeply as the parser allows", () => {
  const K = MAX_NESTING;
  const nested = (open: string, inner: string, close: string, n: number) =>
    open.repeat(n) + inner + close.repeat(n);
  // [shape, query]: each nests exactly K levels (or as near as its repeated part allows).
  const cases: [string, string][] = [
    ["parentheses", nested("(", "c", ")", K)],
    ["function calls", nested("abs(", "c", ")", K)],
    ["aggregations", nested("sum(", "c", ")", K)],
    ["signs", `${"-".repeat(K)}c`],
    ["subqueries", nested("max_over_time(", "c", "[5m:1m])", K / 2)],
    ["right operands", nested("c + (", "c", ")", K / 2)],
    ["powers", `c${" ^ 1".repeat(K)}`],
    ["mixed", nested("sum(-(abs(max_over_time(", "c", "[5m:1m]))))", Math.floor(K / 6))],
  ];
  for (const [shape, q] of cases) {
    test(`Engine evaluates ${shape} nested ${K} deep`, async () => {
      const out = await new Engine().rangeQuery(store, q, 0, 120_000, 60_000);
      expect(out.result.type).toBe("matrix");
    });
  }
});

describe("Engine reports a query that runs out of memory as too big, not as broken", () => {
  const DUCKDB_OOM =
    "Out of Memory Error: failed to allocate data of size 16.0 MiB (18.2 MiB/19.0 MiB used)";
  /** A store whose reads fail with `error`. */
  const failingRead = (error: Error): Queryable => ({
    querier: async () => ({ ...(await store.querier()), select: () => Promise.reject(error) }),
  });
  /** A store whose samples throw `error` when evaluation first reads them. */
  const failingSamples = (error: Error): Queryable => ({
    querier: async () => ({
      ...(await store.querier()),
      select: async () => [
        {
          labels: ["__name__", "c"],
          length: 1,
          values: new Float64Array(1),
          get timestamps(): Float64Array {
            throw error;
          },
        },
      ],
    }),
  });
  const wrapped = new Error(`Cannot read Parquet files: ${DUCKDB_OOM}\n\nPossible solutions:`, {
    cause: new Error(`${DUCKDB_OOM}\n\nPossible solutions:`),
  });
  // [what, store, error type, message]
  const cases: [string, Queryable, PromQLErrorType, string][] = [
    [
      "DuckDB out of memory while reading",
      failingRead(wrapped),
      "execution",
      `query would read too many samples from storage: Cannot read Parquet files: ${DUCKDB_OOM}`,
    ],
    [
      "JavaScript out of memory while reading",
      failingRead(new RangeError("Out of memory")),
      "execution",
      "query would read too many samples from storage: Out of memory",
    ],
    [
      "another storage failure",
      failingRead(new Error("Cannot read bucket: offline")),
      "internal",
      "Cannot read bucket: offline",
    ],
    [
      "JavaScript out of memory while evaluating",
      failingSamples(new RangeError("Out of memory")),
      "execution",
      "query processing would load too many samples into memory in query execution",
    ],
    [
      "a bug while evaluating",
      failingSamples(new TypeError("x is undefined")),
      "internal",
      "unexpected error: x is undefined",
    ],
  ];
  for (const [what, failing, type, message] of cases) {
    test(`Engine reports ${what} as ${type}`, async () => {
      const error = await failure(new Engine().instantQuery(failing, "c", 120_000));
      expect([error.type, error.message]).toEqual([type, message]);
    });
  }
});

test("Engine closes its querier whatever happens", async () => {
  const counted = observed(store);
  const engine = new Engine();
  await engine.instantQuery(counted.queryable, "c", 0);
  await engine.instantQuery(counted.queryable, "c / on(nope) c", 0).catch(() => {});
  expect(counted.closes).toBe(2);
});

test("Engine reports statistics and timings", async () => {
  const out = await new Engine().rangeQuery(store, "rate(a_total[2m])", 0, 120_000, 60_000);
  expect(out.stats.totalQueryableSamples).toBe(5);
  expect(out.stats.timings.totalSeconds).toBeGreaterThanOrEqual(out.stats.timings.evalSeconds);
});

describe("result shapes", () => {
  test("an instant scalar and string carry the evaluation time", async () => {
    const engine = new Engine();
    expect((await engine.instantQuery(store, "1 + 1", 5_000)).result).toEqual({
      type: "scalar",
      t: 5_000,
      v: 2,
    });
    expect((await engine.instantQuery(store, '"x"', 5_000)).result).toEqual({
      type: "string",
      t: 5_000,
      v: "x",
    });
  });

  test("a range query of a scalar is one series without labels", async () => {
    const out = await query(store, "time()", { start: 0, end: 120_000, step: 60_000 });
    expect(seriesOf(out)).toEqual({
      "{}": [
        [0, 0],
        [60_000, 60],
        [120_000, 120],
      ],
    });
  });

  test("a range query's series are ordered by labels", async () => {
    const out = await query(store, "c or b_total", { start: 0, end: 60_000, step: 60_000 });
    expect(Object.keys(seriesOf(out))).toEqual([
      '{__name__="b_total",env="1"}',
      '{__name__="c",env="2"}',
    ]);
  });
});

describe("__name__ removal", () => {
  const cases: [string, boolean, Record<string, number> | string][] = [
    [
      'sum by (__name__) (rate({env="1"}[2m]))',
      true,
      "vector cannot contain metrics with the same labelset",
    ],
    // Without delayed removal rate() strips both names at once: the outputs collide.
    [
      'sum by (__name__) (rate({env="1"}[2m]))',
      false,
      "vector cannot contain metrics with the same labelset",
    ],
    // Into one group too, whose labels are none of the series': the outputs still collide.
    ['sum(rate({env="1"}[2m]))', false, "vector cannot contain metrics with the same labelset"],
    [
      'label_replace(rate(a_total[2m]), "n", "$1", "__name__", "(.*)")',
      true,
      { '{env="1",n="a_total"}': 1 },
    ],
    ['label_replace(rate(a_total[2m]), "n", "$1", "__name__", "(.*)")', false, { '{env="1"}': 1 }],
    ['ceil({env="1"})', true, "vector cannot contain metrics with the same labelset"],
    ['ceil({env="1"})', false, "vector cannot contain metrics with the same labelset"],
    [
      '{env="1"} > 0',
      false,
      { '{__name__="a_total",env="1"}': 120, '{__name__="b_total",env="1"}': 180 },
    ],
  ];
  for (const [q, delayed, want] of cases) {
    test(`${q} ${delayed ? "with" : "without"} delayed removal`, async () => {
      const run = query(store, q, { time: 120_000 }, { enableDelayedNameRemoval: delayed });
      if (typeof want === "string") expect((await failure(run)).message).toBe(want);
      else expect(samplesOf(await run)).toEqual(want);
    });
  }
});

test("one Engine answers each query from the store it names", async () => {
  const other = new MemoryStorage().addEvery({ __name__: "c", env: "3" }, 60_000, [9]);
  const engine = new Engine();
  const [a, b] = await Promise.all([
    engine.instantQuery(store, "c", 0),
    engine.instantQuery(other, "c", 0),
  ]);
  expect(samplesOf(a)).toEqual({ '{__name__="c",env="2"}': 5 });
  expect(samplesOf(b)).toEqual({ '{__name__="c",env="3"}': 9 });
});

test("Engine answers a query sent again, at other times, as it answered it the first time", async () => {
  const series = new MemoryStorage().addEvery({ __name__: "g", job: "a" }, 60_000, [1, 2, 3]);
  const engine = new Engine();
  const text = "sum(g) * 10 + count(g @ start())";
  for (const [t, want] of [
    [0, 11],
    [120_000, 31],
    [60_000, 21],
  ] as const) {
    expect(samplesOf(await engine.instantQuery(series, text, t))).toEqual({ "{}": want });
  }
  for (let i = 0; i < 2; i++) {
    await expect(engine.instantQuery(series, "sum(", 0)).rejects.toThrow(PromQLError);
  }
});
