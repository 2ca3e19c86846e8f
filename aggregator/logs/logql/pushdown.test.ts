import { describe, expect, test } from "bun:test";
import { MemoryLogs } from "../memory.ts";
import type { LogQueryOptions } from "../result.ts";
import type { LogBucketParams, LogQuerier, LogQueryable, LogSelectParams } from "../source.ts";
import { fixtureRecords, S, T0 } from "./fixture.ts";
import { runLogQuery } from "./query.ts";

/** A view of `source` that records what the engine asks of it, optionally without buckets(). */
function observed(source: LogQueryable, withBuckets: boolean) {
  const selects: LogSelectParams[] = [];
  const buckets: LogBucketParams[] = [];
  const queryable: LogQueryable = {
    async querier(): Promise<LogQuerier> {
      const q = await source.querier();
      const view: LogQuerier = {
        select: (p) => {
          selects.push(p);
          return q.select(p);
        },
        streams: (m, s, e) => q.streams(m, s, e),
        close: () => q.close(),
      };
      if (withBuckets) {
        view.buckets = (p) => {
          buckets.push(p);
          return q.buckets!(p);
        };
      }
      return view;
    },
  };
  return { queryable, selects, buckets };
}

const big = new MemoryLogs(1000);
big.append(fixtureRecords());
const small = new MemoryLogs(1);
small.append(fixtureRecords());

function range(startS: number, stepS: number): LogQueryOptions {
  const startNs = T0 + BigInt(startS) * S;
  return {
    startNs,
    endNs: T0 + 600n * S,
    stepMs: stepS * 1000,
    limit: 100,
    direction: "forward",
    instant: false,
  };
}
const instant: LogQueryOptions = { ...range(600, 0), instant: true };

const queries: [string, LogQueryOptions][] = [
  [`count_over_time({app="api"}[1m])`, range(0, 60)],
  [`rate({env="prod"} |= "error" [2m])`, range(0, 60)],
  ['bytes_over_time({app="web"} != "GET" [90s])', range(0, 60)],
  ['bytes_rate({app=~".+"} |~ `took \\d+ms` [5m])', range(0, 45)],
  [`count_over_time({app="web"} != "took 1" or "db-1" [1m])`, range(7, 37)],
  [`count_over_time({app="web"} |= "ERROR" or "error" [2m])`, range(7, 37)],
  [`sum by (env) (count_over_time({app=~".+"}[3m] offset 1m))`, range(0, 60)],
  [`absent_over_time({app="api"} |= "level" [30s])`, range(0, 20)],
  [`count_over_time({app="worker"}[10m])`, instant],
];

describe("counting through buckets() and through select() agree", () => {
  test.each(queries)("%s", async (query, opts) => {
    const pushed = observed(big, true);
    const read = observed(small, false);
    const a = await runLogQuery(pushed.queryable, query, opts);
    const b = await runLogQuery(read.queryable, query, opts);
    expect(a.result).toEqual(b.result);
    expect(read.buckets).toHaveLength(0);
    expect(read.selects.length).toBeGreaterThan(0);
  });

  test("a pipeline of pushable line filters is counted by storage", async () => {
    const pushed = observed(big, true);
    await runLogQuery(
      pushed.queryable,
      `count_over_time({app="web"} != "a" or "b" |~ "c" [1m])`,
      range(0, 60),
    );
    expect(pushed.selects).toHaveLength(0);
    expect(pushed.buckets).toEqual([
      {
        matchers: [{ name: "app", type: "=", value: "web" }],
        lineFilters: [
          { op: "!=", value: "a" },
          { op: "!=", value: "b" },
          { op: "|~", value: "c" },
        ],
        startNs: T0 - 60n * S,
        bucketNs: 60n * S,
        buckets: 11,
      },
    ]);
  });

  test("a pipeline with a parser reads lines, passing down the filters before it", async () => {
    const pushed = observed(big, true);
    await runLogQuery(
      pushed.queryable,
      `count_over_time({app="web"} |= "x" | logfmt |= "y" | line_format "z" |= "w" [1m])`,
      range(0, 60),
    );
    expect(pushed.buckets).toHaveLength(0);
    expect(pushed.selects[0].lineFilters).toEqual([
      { op: "|=", value: "x" },
      { op: "|=", value: "y" },
    ]);
    expect(pushed.selects[0]).toMatchObject({
      startNs: T0 - 60n * S + 1n,
      endNs: T0 + 600n * S + 1n,
      direction: "forward",
    });
  });

  test("a log query passes its limit down only when it has no stages", async () => {
    const opts = { ...range(0, 0), direction: "backward" as const, limit: 7 };
    const plain = observed(big, true);
    await runLogQuery(plain.queryable, `{app="api"}`, opts);
    expect(plain.selects[0]).toMatchObject({
      limitHint: 7,
      direction: "backward",
      lineFilters: [],
    });
    const filtered = observed(big, true);
    await runLogQuery(filtered.queryable, `{app="api"} |= "error"`, opts);
    expect(filtered.selects[0]).toMatchObject({
      limitHint: 0,
      lineFilters: [{ op: "|=", value: "error" }],
    });
  });
});
