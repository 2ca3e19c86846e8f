import { describe, expect, test } from "bun:test";
import { parseExpr } from "../../parser/parse.ts";
import {
  ALL_EXACT_SPANS,
  DEFAULT_ROLLUP_SPANS,
  planRollups,
  type Resolution,
  type RollupSpans,
} from "./plan.ts";

const M = 60_000;
const H = 60 * M;

/** Every exact function from 6 h on. */
const SIX_HOURS: RollupSpans = Object.fromEntries(
  Object.keys(ALL_EXACT_SPANS).map((f) => [f, 6 * H]),
);

/** The plans of `query` on a grid, as "func steps exact" strings (steps: the step, then its fallbacks). */
function plans(
  query: string,
  grid: { start: number; step: number; n: number },
  r: Resolution = "auto",
  spans: RollupSpans = SIX_HOURS,
) {
  return [...planRollups(parseExpr(query, {}), grid, r, spans).values()].map(
    (p) =>
      `${p.func} ${[p.stepMs, ...p.fallbacks].map((s) => `${s / M}m`).join("/")} ${p.exact ? "exact" : "chosen"}`,
  );
}

const WEEK = { start: 100 * H, step: H, n: 168 };

describe("planRollups()", () => {
  // [name, query, grid, resolution, plans]
  const cases: [string, string, typeof WEEK, Resolution, string[]][] = [
    [
      "takes the coarsest step that aligns",
      "max_over_time(x[1h])",
      WEEK,
      "auto",
      ["max_over_time 60m/5m/1m exact"],
    ],
    ["falls back to 5m", "rate(x[15m])", WEEK, "auto", ["rate 5m/1m exact"]],
    ["falls back to 1m", "rate(x[7m])", WEEK, "auto", ["rate 1m exact"]],
    [
      "falls back to 5m on a grid off the hours",
      "rate(x[1h])",
      { ...WEEK, start: WEEK.start + 5 * M },
      "auto",
      ["rate 5m/1m exact"],
    ],
    [
      "finds calls under aggregations and arithmetic",
      "sum(rate(x[1h])) / sum(increase(y[2h]))",
      WEEK,
      "auto",
      ["increase 60m/5m/1m exact", "rate 60m/5m/1m exact"],
    ],
    ["leaves a window off the steps raw", "rate(x[90s])", WEEK, "auto", []],
    [
      "leaves a grid off the steps raw",
      "rate(x[1h])",
      { ...WEEK, start: WEEK.start + 7000 },
      "auto",
      [],
    ],
    ["takes an offset into account", "rate(x[1h] offset 30s)", WEEK, "auto", []],
    ["leaves short reads raw", "rate(x[1h])", { ...WEEK, n: 3 }, "auto", []],
    [
      "leaves @ and subqueries raw",
      "rate(x[1h] @ 100) + max_over_time(rate(x[5m])[1h:5m])",
      WEEK,
      "auto",
      [],
    ],
    [
      "leaves functions without an exact row kernel raw",
      "avg_over_time(x[1h]) + stddev_over_time(x[1h])",
      WEEK,
      "auto",
      [],
    ],
    ["reads nothing from rollups at raw", "rate(x[1h])", WEEK, "raw", []],
    [
      "takes a chosen step off the grid",
      "avg_over_time(x[1h])",
      { ...WEEK, start: WEEK.start + 7000 },
      "1m",
      ["avg_over_time 1m chosen"],
    ],
    ["refuses a chosen step longer than the window", "rate(x[1m])", WEEK, "5m", []],
    ["takes 1 h when chosen", "rate(x[2h])", WEEK, "1h", ["rate 60m chosen"]],
    ["refuses 1 h chosen for a shorter window", "rate(x[30m])", WEEK, "1h", []],
  ];
  test.each(cases)("%s", (_name, query, grid, resolution, want) => {
    expect(plans(query, grid, resolution).sort()).toEqual(want);
  });

  const DAY = { start: 100 * H, step: H, n: 25 };
  // [name, query, grid, resolution, plans] with DEFAULT_ROLLUP_SPANS
  const defaults: [string, string, typeof WEEK, Resolution, string[]][] = [
    [
      "reads the five folds from rollups over a week",
      "max_over_time(a[1h]) + min_over_time(b[1h]) + sum_over_time(c[1h]) + count_over_time(d[1h]) + last_over_time(e[1h])",
      WEEK,
      "auto",
      [
        "count_over_time 60m/5m/1m exact",
        "last_over_time 60m/5m/1m exact",
        "max_over_time 60m/5m/1m exact",
        "min_over_time 60m/5m/1m exact",
        "sum_over_time 60m/5m/1m exact",
      ],
    ],
    ["reads a day raw", "max_over_time(a[1h])", DAY, "auto", []],
    [
      "starts at 48 hours of reads",
      "max_over_time(a[1h])",
      { ...DAY, n: 48 },
      "auto",
      ["max_over_time 60m/5m/1m exact"],
    ],
    ["stops just short of 48 hours", "max_over_time(a[1h])", { ...DAY, n: 47 }, "auto", []],
    [
      "reads rate and increase from 1 h rollups only at auto, and resets never",
      "rate(a[1h]) + increase(b[2h]) + resets(c[1h])",
      WEEK,
      "auto",
      ["increase 60m exact", "rate 60m exact"],
    ],
    [
      "leaves rate raw at auto where windows align to 5 m but not to the hour",
      "rate(a[15m])",
      WEEK,
      "auto",
      [],
    ],
    ["leaves rate raw at auto over a day", "rate(a[1h])", DAY, "auto", []],
    [
      "reads rate and increase from rollups at a chosen resolution",
      "rate(a[1h]) + increase(b[1h])",
      WEEK,
      "5m",
      ["increase 5m chosen", "rate 5m chosen"],
    ],
  ];
  test.each(defaults)("DEFAULT_ROLLUP_SPANS: %s", (_name, query, grid, resolution, want) => {
    expect(plans(query, grid, resolution, DEFAULT_ROLLUP_SPANS).sort()).toEqual(want);
  });
});
