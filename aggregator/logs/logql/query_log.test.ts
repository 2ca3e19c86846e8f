import { describe, expect, test } from "bun:test";
import { MemoryLogs } from "../memory.ts";
import type { LogQueryOptions } from "../result.ts";
import { fixtureRecords, S, T0 } from "./fixture.ts";
import { runLogQuery } from "./query.ts";

const logs = new MemoryLogs(7);
logs.append(fixtureRecords());

/** The nanosecond timestamp string of T0 + `s` seconds. */
const ts = (s: number) => String(T0 + BigInt(s) * S);

function opts(limit = 100, direction: "forward" | "backward" = "backward"): LogQueryOptions {
  return { startNs: T0, endNs: T0 + 610n * S, stepMs: 0, limit, direction, instant: false };
}

const dev = { app: "web", env: "dev" };
const devLine = (i: number) =>
  i % 4 === 0 ? `ERROR connection refused host=db-${(i / 4) % 2}` : `GET /health 200 took ${i}ms`;
const devValue = (i: number): [string, string] => [ts(30 * (i + 1)), devLine(i)];

interface Case {
  name: string;
  query: string;
  opts?: LogQueryOptions;
  want: { stream: Record<string, string>; values: unknown[] }[];
}

const cases: Case[] = [
  {
    name: "a selector returns the newest lines first up to the limit",
    query: `{app="web", env="dev"}`,
    opts: opts(3),
    want: [{ stream: dev, values: [devValue(19), devValue(18), devValue(17)] }],
  },
  {
    name: "the forward direction returns the oldest lines first",
    query: `{app="web", env="dev"}`,
    opts: opts(3, "forward"),
    want: [{ stream: dev, values: [devValue(0), devValue(1), devValue(2)] }],
  },
  {
    name: "|= keeps lines containing the text",
    query: `{app="web", env="dev"} |= "ERROR"`,
    want: [{ stream: dev, values: [16, 12, 8, 4, 0].map(devValue) }],
  },
  {
    name: "!= and |~ chain",
    query: `{app="web", env="dev"} != "ERROR" |~ "took 1[0-9]ms"`,
    want: [{ stream: dev, values: [19, 18, 17, 15, 14, 13, 11, 10].map(devValue) }],
  },
  {
    name: "!~ drops lines matching the regex",
    query: `{app="web", env="dev"} !~ "took [0-9]+ms"`,
    want: [{ stream: dev, values: [16, 12, 8, 4, 0].map(devValue) }],
  },
  {
    name: "or alternatives of a positive filter match any",
    query: `{app="web", env="dev"} |= "db-1" or "took 3ms"`,
    want: [{ stream: dev, values: [12, 4, 3].map(devValue) }],
  },
  {
    name: "negative filters in sequence must all hold",
    query: '{app="web", env="dev"} != `GET` != "db-0"',
    want: [{ stream: dev, values: [12, 4].map(devValue) }],
  },
  {
    name: "a case-insensitive regex filter",
    query: `{app="web", env="dev"} |~ "(?i)error"`,
    want: [{ stream: dev, values: [16, 12, 8, 4, 0].map(devValue) }],
  },
  {
    name: "|> keeps lines that fit a pattern",
    query: `{app="web", env="dev"} |> "GET <_> took 1<_>"`,
    want: [{ stream: dev, values: [19, 18, 17, 15, 14, 13, 11, 10, 1].map(devValue) }],
  },
  {
    name: "json labels with numeric and duration filters make one stream per label set",
    query: `{app="api"} | json | status >= 500 | latency > 150ms | line_format "{{.level}} {{.status}} u{{.user_id}}"`,
    want: [0, 1, 2].map((u) => ({
      stream: {
        app: "api",
        env: "prod",
        latency: "200ms",
        level: "error",
        path: "/a",
        status: "500",
        user_id: `${u}`,
      },
      values: [
        [
          [455, "90"],
          [155, "30"],
        ],
        [
          [355, "70"],
          [55, "10"],
        ],
        [
          [555, "110"],
          [255, "50"],
        ],
      ][u].map(([t]) => [ts(t as number), `error 500 u${u}`]),
    })),
  },
  {
    name: "logfmt labels, a conflicting stream label gets _extracted, keep trims the stream",
    query: `{app="web", env="prod"} | logfmt | level="error" | line_format "{{.duration}} {{.size}} {{.method_extracted}}" | keep app, status`,
    want: [
      {
        stream: { app: "web", status: "503" },
        values: [
          [ts(600), "80ms 1KB GET"],
          [ts(480), "20ms 2KB GET"],
          [ts(360), "60ms 3KB GET"],
          [ts(240), "0ms 1KB GET"],
          [ts(120), "40ms 2KB GET"],
        ],
      },
    ],
  },
  {
    name: "bytes and duration comparisons joined by and",
    query: `{app="web", env="prod"} | logfmt | duration >= 60ms and size > 2KB | line_format "{{.duration}} {{.size}}" | keep app`,
    want: [
      {
        stream: { app: "web" },
        values: [585, 450, 360, 225, 135].map((t, k) => [ts(t), `${k % 2 === 0 ? 60 : 80}ms 3KB`]),
      },
    ],
  },
  {
    name: "regexp named groups become labels",
    query: '{app="web", env="dev"} | regexp `host=(?P<host>[a-z]+-\\d)` | host != ""',
    want: [
      { stream: { ...dev, host: "db-0" }, values: [16, 8, 0].map(devValue) },
      { stream: { ...dev, host: "db-1" }, values: [12, 4].map(devValue) },
    ],
  },
  {
    name: "pattern captures, a duration filter on them, and keep",
    query: `{app="worker"} | pattern "task <id> finished in <dur>" | dur > 3s | line_format "{{.id}}" | keep app, dur`,
    want: [
      {
        stream: { app: "worker", dur: "4s" },
        values: [27, 23, 19, 15, 11, 7, 3].map((i) => [ts(20 * (i + 1)), `${i}`]),
      },
    ],
  },
  {
    name: "structured metadata is filterable and returned beside the line",
    query: `{app="worker"} | trace_id="tr-4"`,
    want: [
      {
        stream: { app: "worker", env: "prod" },
        values: [[ts(100), "task 4 finished in 1s", { trace_id: "tr-4" }]],
      },
    ],
  },
  {
    name: "lines without structured metadata have no third element",
    query: `{app="worker"}`,
    opts: opts(2),
    want: [
      {
        stream: { app: "worker", env: "prod" },
        values: [
          [ts(600), "task 29 finished in 2s"],
          [ts(580), "task 28 finished in 1s", { trace_id: "tr-28" }],
        ],
      },
    ],
  },
  {
    name: "a json parse error sets __error__ and __error_details__ and keeps the line",
    query: `{app="web", env="dev"} | json | __error__="JSONParserErr"`,
    opts: opts(1),
    want: [
      {
        stream: {
          __error__: "JSONParserErr",
          __error_details__: "Value looks like object, but can't find closing '}' symbol",
          ...dev,
        },
        values: [devValue(19)],
      },
    ],
  },
  {
    name: "json extraction expressions reach nested fields",
    query: `{app="api"} | json uid="user.id", p="path" | uid="2" | p="/b" | keep uid, p`,
    opts: opts(2),
    want: [
      {
        stream: { p: "/b", uid: "2" },
        values: [
          [ts(600), `{"level":"info","status":200,"latency":"300ms","path":"/b","user":{"id":2}}`],
          [ts(570), `{"level":"info","status":200,"latency":"100ms","path":"/b","user":{"id":2}}`],
        ],
      },
    ],
  },
  {
    name: "label_format renames and templates labels",
    query:
      '{app="web", env="dev"} |= "ERROR" | regexp `host=(?P<host>\\S+)` | label_format target=host, kind="{{ upper .app }}" | keep target, kind',
    want: [
      { stream: { kind: "WEB", target: "db-0" }, values: [16, 8, 0].map(devValue) },
      { stream: { kind: "WEB", target: "db-1" }, values: [12, 4].map(devValue) },
    ],
  },
  {
    name: "the limit cuts across streams in time order",
    query: `{env="prod"}`,
    opts: opts(4, "forward"),
    want: [
      {
        stream: { app: "api", env: "prod" },
        values: [
          [ts(5), `{"level":"error","status":500,"latency":"0ms","path":"/a","user":{"id":0}}`],
          [ts(10), `{"level":"info","status":200,"latency":"100ms","path":"/b","user":{"id":1}}`],
          [ts(15), `{"level":"info","status":200,"latency":"200ms","path":"/a","user":{"id":2}}`],
        ],
      },
      {
        stream: { app: "web", env: "prod", method: "GET" },
        values: [[ts(15), "level=info method=GET path=/index status=200 duration=0ms size=1KB"]],
      },
    ],
  },
];

describe("runLogQuery() on log queries", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { result } = await runLogQuery(logs, c.query, c.opts ?? opts());
    expect(result).toEqual({ resultType: "streams", result: c.want as never });
  });

  test("a log query asked as an instant query is refused as Loki refuses it", async () => {
    const instant = { ...opts(), startNs: T0 + 600n * S, endNs: T0 + 600n * S, instant: true };
    await expect(runLogQuery(logs, `{app="api"}`, instant)).rejects.toMatchObject({
      type: "bad_data",
      message:
        "log queries are not supported as an instant query type, please change your query to a range query type",
    });
  });

  test("a bad line filter regex fails when the pipeline is built", async () => {
    await expect(runLogQuery(logs, `{app="api"} |~ "(foo"`, opts())).rejects.toMatchObject({
      type: "bad_data",
      message: "error parsing regexp: missing closing ): `(foo`",
    });
  });

  test("statistics count the lines read", async () => {
    const { stats } = await runLogQuery(logs, `{app="web", env="dev"} |= "ERROR"`, opts());
    expect(stats.linesScanned).toBeGreaterThanOrEqual(5);
    expect(stats.bytesScanned).toBeGreaterThan(0);
  });

  test("an aborted query fails as canceled", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runLogQuery(logs, `{app="api"}`, { ...opts(), signal: controller.signal }),
    ).rejects.toMatchObject({
      type: "canceled",
    });
  });
});
