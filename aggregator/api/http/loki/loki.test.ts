import { afterAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import type { LogRecord } from "../../../../shared/model/log.ts";
import { MemoryLogs } from "../../../logs/memory.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import { lokiApi, lokiWebSocket } from "./loki.ts";
import { LOG_QUERY_NOT_INSTANT } from "./query.ts";
import { DEADLINE_EXCEEDED } from "./respond.ts";

const S = 1_000_000_000n;
/** The records lie at T0, T0 + 10 s, …; the server's clock is one minute after T0. */
const T0 = 1_700_000_000n * S;
const NOW_MS = 1_700_000_060_000;

function record(
  seconds: number,
  labels: Record<string, string>,
  line: string,
  fields: string[] = [],
): LogRecord {
  return { timeNs: T0 + BigInt(seconds) * S, labels: labelsFromRecord(labels), line, fields };
}

const logs = new MemoryLogs();
logs.append([
  record(0, { job: "api", level: "info" }, "GET /a 200"),
  record(10, { job: "api", level: "error" }, "GET /b 500"),
  record(20, { job: "api", level: "info" }, "GET /c 200"),
  record(30, { job: "db", level: "info" }, "checkpoint done"),
  record(40, { job: "web" }, "served", ["trace_id", "t1"]),
]);
/** Storage that never answers: every query over it runs into its deadline. */
const hung: LogQueryable = { querier: () => new Promise(() => {}) };
const registry = new Registry();
const app = lokiApi({
  logs: () => logs,
  registry,
  now: () => NOW_MS,
});
const server = Bun.serve({ port: 0, fetch: app.fetch, websocket: lokiWebSocket });
const hungServer = Bun.serve({
  port: 0,
  fetch: lokiApi({ logs: () => hung, queryTimeoutMs: 50 }).fetch,
  websocket: lokiWebSocket,
});
afterAll(() => {
  server.stop(true);
  hungServer.stop(true);
});

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers come in many shapes
type Json = any;

async function get(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; type: string; body: Json }> {
  const res = await fetch(`${server.url}${path.slice(1)}`, init);
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  return {
    status: res.status,
    type,
    body: type.startsWith("application/json") ? JSON.parse(text) : text,
  };
}

const q = (query: string, params: Record<string, string> = {}) =>
  new URLSearchParams({ query, ...params }).toString();

describe("lokiApi() query_range", () => {
  test("answers a log query newest first with Loki's envelope and stats", async () => {
    const { status, body } = await get(`/loki/api/v1/query_range?${q('{job="api"}')}`);
    expect(status).toBe(200);
    expect(body.status).toBe("success");
    expect(body.data.resultType).toBe("streams");
    const byLevel = Object.fromEntries(
      body.data.result.map((s: Json) => [s.stream.level, s.values]),
    );
    expect(byLevel).toEqual({
      info: [
        [String(T0 + 20n * S), "GET /c 200"],
        [String(T0), "GET /a 200"],
      ],
      error: [[String(T0 + 10n * S), "GET /b 500"]],
    });
    expect(body.data.stats.summary).toMatchObject({
      totalEntriesReturned: 3,
      execTime: expect.any(Number),
      totalLinesProcessed: expect.any(Number),
      totalBytesProcessed: expect.any(Number),
    });
  });

  test("reads a url-encoded POST body, forward and limited", async () => {
    const { body } = await get("/loki/api/v1/query_range", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: q('{job=~"api|db"}', { direction: "forward", limit: "2" }),
    });
    const lines = body.data.result.flatMap((s: Json) => s.values.map((v: Json) => v[1])).sort();
    expect(lines).toEqual(["GET /a 200", "GET /b 500"]);
  });

  test("answers a metric query as a matrix at the step asked", async () => {
    const query = 'sum by (job) (count_over_time({job=~"api|db"}[1m]))';
    const { body } = await get(
      `/loki/api/v1/query_range?${q(query, { start: "1700000030", end: "1700000060", step: "30s" })}`,
    );
    expect(body.data.resultType).toBe("matrix");
    const byJob = Object.fromEntries(body.data.result.map((s: Json) => [s.metric.job, s.values]));
    expect(byJob.api).toEqual([
      [1700000030, "3"],
      [1700000060, "2"],
    ]);
  });
});

describe("lokiApi() structured metadata", () => {
  // [what, request headers, the streams Loki answers]
  const cases: [string, Record<string, string>, Json][] = [
    [
      "merges it into the stream labels by default",
      {},
      [{ stream: { job: "web", trace_id: "t1" }, values: [[String(T0 + 40n * S), "served"]] }],
    ],
    [
      "puts it beside the line when asked to categorize labels",
      { "X-Loki-Response-Encoding-Flags": "categorize-labels" },
      [
        {
          stream: { job: "web" },
          values: [[String(T0 + 40n * S), "served", { structuredMetadata: { trace_id: "t1" } }]],
        },
      ],
    ],
  ];
  for (const [what, headers, result] of cases) {
    test(what, async () => {
      const { body } = await get(`/loki/api/v1/query_range?${q('{job="web"}')}`, { headers });
      expect(body.data.result).toEqual(result);
    });
  }
});

describe("lokiApi() query", () => {
  test("answers a metric query as a vector", async () => {
    const { body } = await get(
      `/loki/api/v1/query?${q('count_over_time({job="db"}[5m])', { time: "1700000060" })}`,
    );
    expect(body).toMatchObject({
      status: "success",
      data: {
        resultType: "vector",
        result: [{ metric: { job: "db", level: "info" }, value: [1700000060, "1"] }],
      },
    });
  });

  test("refuses a log query as Loki 3 does", async () => {
    const res = await get(`/loki/api/v1/query?${q('{job="api"}')}`);
    expect(res).toEqual({
      status: 400,
      type: "text/plain; charset=utf-8",
      body: LOG_QUERY_NOT_INSTANT,
    });
  });
});

describe("lokiApi() errors", () => {
  // [what, path, status, exact body or undefined to only check it is plain text]
  const cases: [string, string, number, string | undefined][] = [
    ["invalid LogQL", `/loki/api/v1/query_range?${q('{job="api"')}`, 400, undefined],
    [
      "an invalid limit",
      `/loki/api/v1/query_range?${q('{job="api"}', { limit: "-1" })}`,
      400,
      "limit must be a positive value",
    ],
    [
      "an invalid start",
      `/loki/api/v1/query_range?${q('{job="api"}', { start: "yesterday" })}`,
      400,
      "could not parse 'start' parameter: strconv.ParseInt: parsing \"yesterday\": invalid syntax",
    ],
    [
      "a selector that matches everything",
      `/loki/api/v1/labels?${q('{job=~".*"}')}`,
      400,
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    ],
  ];
  for (const [what, path, status, message] of cases) {
    test(`answers ${what} with ${status} and a plain-text message`, async () => {
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(res.type).toBe("text/plain; charset=utf-8");
      if (message !== undefined) expect(res.body).toBe(message);
      else expect(res.body).toStartWith("parse error");
    });
  }

  test("answers 504 when storage does not answer in time, and keeps serving", async () => {
    const res = await fetch(`${hungServer.url}loki/api/v1/query_range?${q('{job="api"}')}`);
    expect(res.status).toBe(504);
    expect(await res.text()).toBe(DEADLINE_EXCEEDED);
    const again = await fetch(
      `${hungServer.url}loki/api/v1/query_range?${q('{job="api"}', { limit: "0" })}`,
    );
    expect(again.status).toBe(400);
  });

  test("counts answers by handler and status code", async () => {
    await get(`/loki/api/v1/query_range?${q('{job="api"}', { direction: "sideways" })}`);
    expect(registry.render()).toContain(
      'outpost_loki_http_requests_total{handler="/loki/api/v1/query_range",code="400"}',
    );
  });
});

describe("lokiApi() labels and series", () => {
  // [what, path, Loki's JSON]
  const cases: [string, string, Json][] = [
    ["lists label names", "/loki/api/v1/labels", { status: "success", data: ["job", "level"] }],
    [
      "lists label values",
      "/loki/api/v1/label/job/values",
      { status: "success", data: ["api", "db", "web"] },
    ],
    [
      "lists the values of one label",
      "/loki/api/v1/label/level/values",
      { status: "success", data: ["error", "info"] },
    ],
    [
      "lists label values of the selected streams",
      `/loki/api/v1/label/level/values?${q('{job="db"}')}`,
      { status: "success", data: ["info"] },
    ],
    [
      "leaves out data when nothing matches",
      "/loki/api/v1/label/nope/values",
      { status: "success" },
    ],
    [
      "lists the streams matching any match[]",
      `/loki/api/v1/series?${new URLSearchParams([
        ["match[]", '{job="db"}'],
        ["match[]", '{level="error"}'],
      ])}`,
      {
        status: "success",
        data: [
          { job: "api", level: "error" },
          { job: "db", level: "info" },
        ],
      },
    ],
    [
      "counts entries and bytes of the selected streams",
      `/loki/api/v1/index/stats?${q('{job="api"}')}`,
      { streams: 2, chunks: 2, bytes: 30, entries: 3 },
    ],
  ];
  for (const [what, path, expected] of cases) {
    test(what, async () => {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      if (Array.isArray(body.data) && body.data.every((d: Json) => typeof d === "object")) {
        body.data.sort((a: Json, b: Json) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      expect(body).toEqual(expected);
    });
  }
});
