import { describe, expect, test } from "bun:test";
import { MemoryLogs } from "../memory.ts";
import type { LogQueryOptions } from "../result.ts";
import { fixtureRecords, S, STREAMS, T0 } from "./fixture.ts";
import { runLogQuery } from "./query.ts";

const logs = new MemoryLogs(11);
logs.append(fixtureRecords());

const T0S = Number(T0 / S);
const base = { limit: 100, direction: "backward" as const };
/** A range query from T0 to T0+600s every `stepS` seconds. */
const range = (stepS = 60): LogQueryOptions => ({
  ...base,
  startNs: T0,
  endNs: T0 + 600n * S,
  stepMs: stepS * 1000,
  instant: false,
});
/** An instant query at T0+600s. */
const instant: LogQueryOptions = {
  ...base,
  startNs: T0 + 600n * S,
  endNs: T0 + 600n * S,
  stepMs: 0,
  instant: true,
};

/** Matrix values at T0 + `seconds`. */
const points = (pairs: [number, string][]) => pairs.map(([s, v]) => [T0S + s, v]);
/** A vector sample at T0+600s. */
const sample = (metric: Record<string, string>, value: string) => ({
  metric,
  value: [T0S + 600, value],
});

const { api, dev, web, worker } = STREAMS;
const tens = (v: string) => points([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((j) => [60 * j, v]));

interface Case {
  name: string;
  query: string;
  opts: LogQueryOptions;
  want: unknown[];
}

const cases: Case[] = [
  {
    name: "count_over_time counts each window (T-range, T]",
    query: `count_over_time({app="web", env="dev"}[1m])`,
    opts: range(),
    want: [{ metric: dev, values: tens("2") }],
  },
  {
    name: "windows exclude their start and include their end",
    query: `count_over_time({app="web", env="dev"} |= "ERROR" [3m])`,
    opts: range(90),
    want: [
      {
        metric: dev,
        values: points([
          [90, "1"],
          [180, "2"],
          [270, "2"],
          [360, "1"],
          [450, "1"],
          [540, "2"],
        ]),
      },
    ],
  },
  {
    name: "rate divides by the range in seconds",
    query: `rate({app="web", env="dev"}[1m])`,
    opts: instant,
    want: [sample(dev, "0.03333333333333333")],
  },
  {
    name: "bytes_over_time sums UTF-8 line lengths",
    query: `bytes_over_time({app="web", env="dev"}[1m])`,
    opts: instant,
    want: [sample(dev, "50")],
  },
  {
    name: "bytes_rate is bytes per second",
    query: `bytes_rate({app="web", env="dev"}[1m])`,
    opts: instant,
    want: [sample(dev, "0.8333333333333334")],
  },
  {
    name: "sum by a parsed label",
    query: `sum by (level) (count_over_time({app="api"} | json [5m]))`,
    opts: instant,
    want: [
      sample({ level: "error" }, "6"),
      sample({ level: "info" }, "48"),
      sample({ level: "warn" }, "6"),
    ],
  },
  {
    name: "sum without grouping over a range",
    query: `sum(count_over_time({app="api"} |= "error" [1m]))`,
    opts: range(),
    // Error lines come every 50 s from T0+5s: two fall in (0s, 60s] and in (300s, 360s].
    want: [
      {
        metric: {},
        values: points(
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((j) => [60 * j, j === 1 || j === 6 ? "2" : "1"]),
        ),
      },
    ],
  },
  {
    name: "max by",
    query: `max by (env) (count_over_time({app=~"web|worker"}[1m]))`,
    opts: instant,
    want: [sample({ env: "dev" }, "2"), sample({ env: "prod" }, "4")],
  },
  {
    name: "min by",
    query: `min by (env) (count_over_time({app=~"web|worker"}[1m]))`,
    opts: instant,
    want: [sample({ env: "dev" }, "2"), sample({ env: "prod" }, "3")],
  },
  {
    name: "avg by",
    query: `avg by (env) (count_over_time({app=~"web|worker"}[1m]))`,
    opts: instant,
    want: [sample({ env: "dev" }, "2"), sample({ env: "prod" }, "3.5")],
  },
  {
    name: "count by, with the grouping before the parentheses",
    query: `count by (env) (count_over_time({app=~"web|worker"}[1m]))`,
    opts: instant,
    want: [sample({ env: "dev" }, "1"), sample({ env: "prod" }, "2")],
  },
  {
    name: "topk keeps the k largest series with their labels",
    query: `topk(2, count_over_time({env="prod"}[1m]))`,
    opts: instant,
    want: [sample(api, "12"), sample(web, "4")],
  },
  {
    name: "bottomk keeps the smallest",
    query: `bottomk(1, count_over_time({env="prod"}[1m]))`,
    opts: instant,
    want: [sample(worker, "3")],
  },
  {
    name: "topk per step of a range query",
    query: `topk(1, count_over_time({app="web"}[1m]))`,
    opts: range(),
    want: [{ metric: web, values: tens("4") }],
  },
  {
    name: "sum_over_time of an unwrapped label drops that label from the series",
    query: `sum by (app) (sum_over_time({app="api"} | json | unwrap status [1m]))`,
    opts: instant,
    want: [sample({ app: "api" }, "2904")],
  },
  {
    name: "max_over_time with a range grouping",
    query: `max_over_time({app="api"} | json | unwrap duration(latency) [1m]) by (app)`,
    opts: instant,
    want: [sample({ app: "api" }, "0.3")],
  },
  {
    name: "avg_over_time of pattern captures converted with duration()",
    query: `avg_over_time({app="worker"} | pattern "task <_> finished in <dur>" | unwrap duration(dur) [40s]) by (app)`,
    opts: instant,
    want: [sample({ app: "worker" }, "1.5")],
  },
  {
    name: "quantile_over_time interpolates between ranks",
    query: `quantile_over_time(0.5, {app="worker"} | pattern "task <_> finished in <dur>" | unwrap duration(dur) [40s]) by (app)`,
    opts: instant,
    want: [sample({ app: "worker" }, "1.5")],
  },
  {
    name: "unwrap bytes() converts sizes",
    query: `sum by (app) (sum_over_time({app="web", env="prod"} | logfmt | unwrap bytes(size) [1m]))`,
    opts: instant,
    want: [sample({ app: "web" }, "7000")],
  },
  {
    name: "an error filter after unwrap drops the samples that did not convert",
    query: `sum_over_time({app="web", env="prod"} | logfmt | unwrap size | __error__="" [10m])`,
    opts: instant,
    want: [],
  },
  {
    name: "a binary operation between two aggregations",
    query: `sum(count_over_time({app="web"} |= "ERROR" [10m])) / sum(count_over_time({app="web", env="dev"}[10m]))`,
    opts: instant,
    want: [sample({}, "0.25")],
  },
  {
    name: "a comparison with a scalar filters",
    query: `count_over_time({app="web", env="dev"}[10m]) > 10`,
    opts: instant,
    want: [sample(dev, "20")],
  },
  {
    name: "a bool comparison gives 0 or 1",
    query: `count_over_time({app="web", env="dev"}[10m]) > bool 30`,
    opts: instant,
    want: [sample(dev, "0")],
  },
  {
    name: "arithmetic with a scalar",
    query: `sum by (env) (count_over_time({app="web"}[10m])) * 2`,
    opts: instant,
    want: [sample({ env: "dev" }, "40"), sample({ env: "prod" }, "80")],
  },
  {
    name: "on() matching keeps only the matching labels",
    query: `count_over_time({app="web", env="dev"}[10m]) - on(app) count_over_time({app="web", env="dev"} |= "ERROR" [10m])`,
    opts: instant,
    want: [sample({ app: "web" }, "15")],
  },
  {
    name: "and keeps the left series that match the right",
    query: `count_over_time({app="web"}[10m]) and count_over_time({app="web"} |= "ERROR" [10m])`,
    opts: instant,
    want: [sample(dev, "20")],
  },
  {
    name: "offset moves the window back",
    query: `count_over_time({app="api"}[1m] offset 9m30s)`,
    opts: instant,
    want: [sample(api, "6")],
  },
  {
    name: "absent_over_time gives 1 labelled by the equality matchers",
    query: `absent_over_time({app="api", env=~"pro.*"} |= "nonexistent" [1m])`,
    opts: instant,
    want: [sample({ app: "api" }, "1")],
  },
  {
    name: "label_replace sets a label from a regex match",
    query: `label_replace(count_over_time({app="web", env="dev"}[10m]), "e", "$1-x", "env", "(d.*)")`,
    opts: instant,
    want: [sample({ app: "web", e: "dev-x", env: "dev" }, "20")],
  },
  {
    name: "sort orders an instant vector by value",
    query: `sort(sum by (app) (count_over_time({env="prod"}[10m])))`,
    opts: instant,
    want: [
      sample({ app: "worker" }, "30"),
      sample({ app: "web" }, "40"),
      sample({ app: "api" }, "120"),
    ],
  },
  {
    name: "rate after a label filter reads through the pipeline",
    query: `rate({app="web", env="prod"} | logfmt | status="503" | keep app [10m])`,
    opts: instant,
    want: [sample({ app: "web" }, "0.008333333333333333")],
  },
  {
    name: "label filter precedence: a or b, c is a or (b and c)",
    query: `sum(count_over_time({app="web", env="prod"} | logfmt | level="error" or duration == 0ms, size == 1KB [10m]))`,
    opts: instant,
    want: [sample({}, "7")],
  },
  {
    name: "a vector literal over a range",
    query: `vector(1) + 1`,
    opts: range(300),
    want: [
      {
        metric: {},
        values: points([
          [0, "2"],
          [300, "2"],
          [600, "2"],
        ]),
      },
    ],
  },
];

describe("runLogQuery() on metric queries", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { result } = await runLogQuery(logs, c.query, c.opts);
    const resultType = c.opts.instant ? "vector" : "matrix";
    expect(result).toEqual({ resultType, result: c.want as never });
  });

  test("a metric whose samples carry __error__ fails as Loki's pipeline error", async () => {
    const query = `sum_over_time({app="web", env="prod"} | logfmt | unwrap size [10m])`;
    const failure = runLogQuery(logs, query, instant);
    await expect(failure).rejects.toMatchObject({ type: "bad_data" });
    await expect(failure).rejects.toThrow(
      /^pipeline error: 'SampleExtractionErr' for series: '\{__error__="SampleExtractionErr", __error_details__="strconv\.ParseFloat: parsing \\"1KB\\": invalid syntax"/,
    );
  });
});
