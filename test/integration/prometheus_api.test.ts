/**
 * The Prometheus HTTP API of an aggregator, driven by real clients: Debian's promtool, the
 * requests Grafana's Prometheus data source sends, and `outpost query`. The API runs on
 * Bun.serve over the real engine and an in-memory store holding known series.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { prometheusApi } from "../../aggregator/api/http/prometheus.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { MemoryStorage } from "../../aggregator/storage/memory.ts";
import type { Queryable } from "../../aggregator/storage/storage.ts";
import { runQuery } from "../../cli/query.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const HOUR = 3_600_000;
/** Evaluation time of the instant queries: half an hour into the data. */
const AT = T0 + HOUR / 2;
const sec = (ms: number) => String(ms / 1000);

function load(): MemoryStorage {
  const storage = new MemoryStorage();
  const series: [Record<string, string>, (i: number) => number][] = [
    [{ __name__: "up", job: "node", instance: "a:9100" }, () => 1],
    [{ __name__: "up", job: "node", instance: "b:9100" }, () => 0],
    [{ __name__: "http_requests_total", job: "api", code: "200" }, (i) => 10 * i],
    [{ __name__: "http_requests_total", job: "api", code: "500" }, (i) => i],
    [{ __name__: "requests", job: "api", "http.method": "GET" }, () => 3],
  ];
  for (const [labels, value] of series) {
    const samples: [number, number][] = [];
    for (let i = 0; i * STEP <= HOUR; i++) samples.push([T0 + i * STEP, value(i)]);
    storage.append(labelsFromRecord(labels), samples);
  }
  return storage;
}

interface Served {
  url: string;
  stop(): void;
}

function serve(queryable: Queryable, engine: Engine): Served {
  const app = prometheusApi({
    engine,
    queryable,
    buildInfo: { version: "0.1.0", revision: "abc" },
    metadata: () => [
      { name: "up", type: "gauge", help: "Whether the target is up.", unit: "" },
      { name: "http_requests_total", type: "counter", help: "Requests.", unit: "" },
    ],
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/** A store whose reads take `delayMs`: queries on it outlive short timeouts. */
function slow(inner: Queryable, delayMs: number): Queryable {
  return {
    async querier() {
      const q = await inner.querier();
      return {
        select: async (m, r) => {
          await Bun.sleep(delayMs);
          return q.select(m, r);
        },
        labelNames: (m, r) => q.labelNames(m, r),
        labelValues: (n, m, r) => q.labelValues(n, m, r),
        close: () => q.close(),
      };
    },
  };
}

let storage: MemoryStorage;
let api: Served;

beforeAll(() => {
  storage = load();
  api = serve(storage, new Engine());
});
afterAll(() => api.stop());

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers come in many shapes
type Json = any;

async function get(path: string): Promise<{ status: number; body: Json; type: string | null }> {
  const res = await fetch(`${api.url}${path}`);
  return { status: res.status, body: await res.json(), type: res.headers.get("content-type") };
}

describe("promtool", () => {
  const hasPromtool = promtoolBinary() !== null;

  test.skipIf(!hasPromtool)("query instant prints the vector the store holds", async () => {
    const r = await promtool(["query", "instant", `--time=${sec(AT)}`, api.url, "up"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      `up{instance="a:9100", job="node"} => 1 @[${sec(AT)}]`,
      `up{instance="b:9100", job="node"} => 0 @[${sec(AT)}]`,
    ]);
  });

  test.skipIf(!hasPromtool)("query range prints every step of the matrix", async () => {
    const r = await promtool([
      "query",
      "range",
      `--start=${sec(T0 + HOUR / 4)}`,
      `--end=${sec(T0 + HOUR / 2)}`,
      "--step=15m",
      api.url,
      'rate(http_requests_total{code="500"}[5m])',
    ]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe('{code="500", job="api"} =>');
    expect(lines.slice(1)).toEqual([
      `0.06666666666666667 @[${sec(T0 + HOUR / 4)}]`,
      `0.06666666666666667 @[${sec(T0 + HOUR / 2)}]`,
    ]);
  });

  test.skipIf(!hasPromtool)("query series lists the matching label sets", async () => {
    // promtool looks around now unless told: the data lies in 2023.
    const r = await promtool([
      "query",
      "series",
      // promtool 2.42 refuses UTF-8 label names such as requests' http.method.
      '--match=up{instance="b:9100"}',
      '--match=http_requests_total{code="500"}',
      `--start=${sec(T0)}`,
      `--end=${sec(T0 + HOUR)}`,
      api.url,
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      '{__name__="http_requests_total", code="500", job="api"}',
      '{__name__="up", instance="b:9100", job="node"}',
    ]);
  });

  test.skipIf(!hasPromtool)("query labels lists a label's values", async () => {
    const r = await promtool([
      "query",
      "labels",
      `--start=${sec(T0)}`,
      `--end=${sec(T0 + HOUR)}`,
      api.url,
      "job",
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["api", "node"]);
  });

  test.skipIf(!hasPromtool)("reports a bad query with the parser's message", async () => {
    const r = await promtool(["query", "instant", api.url, "sum(up"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("bad_data");
    expect(r.stderr).toContain("parse error");
  });
});

describe("Grafana's requests", () => {
  test('"Save & test" evaluates 1+1 at a given time', async () => {
    const r = await get(`/api/v1/query?query=1%2B1&time=${sec(AT)}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/json");
    expect(r.body).toEqual({
      status: "success",
      data: { resultType: "scalar", result: [AT / 1000, "2"] },
    });
  });

  test("buildinfo reports a Prometheus 2.x-or-later version and Outpost's own", async () => {
    const r = await get("/api/v1/status/buildinfo");
    expect(r.status).toBe(200);
    expect(r.body.data.version).toMatch(/^[3-9]\.\d+\.\d+$/);
    expect(r.body.data.outpost).toBe("0.1.0");
    expect(Object.keys(r.body.data)).toEqual(
      expect.arrayContaining(["revision", "branch", "buildUser", "buildDate", "goVersion"]),
    );
  });

  test("Explore lists label names, metric names and series", async () => {
    const range = `start=${sec(T0)}&end=${sec(T0 + HOUR)}`;
    const labels = await get(`/api/v1/labels?${range}`);
    expect(labels.body).toEqual({
      status: "success",
      data: ["__name__", "code", "http.method", "instance", "job"],
    });
    const names = await get(`/api/v1/label/__name__/values?${range}`);
    expect(names.body.data).toEqual(["http_requests_total", "requests", "up"]);
    const series = await get(
      `/api/v1/series?match%5B%5D=up%7Binstance%3D%22a%3A9100%22%7D&${range}`,
    );
    expect(series.body).toEqual({
      status: "success",
      data: [{ __name__: "up", instance: "a:9100", job: "node" }],
    });
  });

  test("Explore's range query by POST form answers a matrix", async () => {
    const res = await fetch(`${api.url}/api/v1/query_range`, {
      method: "POST",
      body: new URLSearchParams({
        query: "sum by (code) (rate(http_requests_total[5m]))",
        start: sec(T0 + HOUR / 2),
        end: sec(T0 + HOUR / 2 + 120_000),
        step: "60",
      }),
    });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.data.resultType).toBe("matrix");
    expect(body.data.result).toEqual([
      {
        metric: { code: "200" },
        values: [0, 60, 120].map((s) => [(T0 + HOUR / 2) / 1000 + s, "0.6666666666666666"]),
      },
      {
        metric: { code: "500" },
        values: [0, 60, 120].map((s) => [(T0 + HOUR / 2) / 1000 + s, "0.06666666666666667"]),
      },
    ]);
  });

  test("an invalid query is bad data carrying the parser's message", async () => {
    const r = await get("/api/v1/query?query=sum(up");
    expect(r.status).toBe(400);
    expect(r.body.status).toBe("error");
    expect(r.body.errorType).toBe("bad_data");
    expect(r.body.error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  });
});

describe("the API", () => {
  // [what, path, HTTP status, error type, error]
  const refusals: [string, string, number, string, string][] = [
    [
      "an unreadable time",
      "/api/v1/query?query=up&time=yesterday",
      400,
      "bad_data",
      `invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
    ],
    [
      "a range that ends before it starts",
      "/api/v1/query_range?query=up&start=100&end=50&step=10",
      400,
      "bad_data",
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      "a zero step",
      "/api/v1/query_range?query=up&start=0&end=50&step=0",
      400,
      "bad_data",
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      "more than 11,000 steps",
      "/api/v1/query_range?query=up&start=0&end=11001&step=1",
      400,
      "bad_data",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    ],
    [
      "a series query without match[]",
      "/api/v1/series",
      400,
      "bad_data",
      "no match[] parameter provided",
    ],
    [
      "a selector that matches everything",
      "/api/v1/series?match[]=%7Bjob%3D~%22.*%22%7D",
      400,
      "bad_data",
      'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
    ],
    [
      "a negative limit",
      "/api/v1/labels?limit=-1",
      400,
      "bad_data",
      'invalid parameter "limit": limit must be non-negative',
    ],
    [
      "an unreadable lookback delta",
      "/api/v1/query?query=up&lookback_delta=soon",
      400,
      "bad_data",
      'error parsing lookback delta duration: cannot parse "soon" to a valid duration',
    ],
  ];
  for (const [what, path, status, errorType, error] of refusals) {
    test(`refuses ${what} as Prometheus does`, async () => {
      const r = await get(path);
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ status: "error", errorType, error });
    });
  }

  test("finds label values under a U__-escaped UTF-8 label name", async () => {
    const r = await get("/api/v1/label/U__http_2e_method/values");
    expect(r.body).toEqual({ status: "success", data: ["GET"] });
  });

  test("truncates to limit with Prometheus's warning", async () => {
    const r = await get(`/api/v1/query?query=up&time=${sec(AT)}&limit=1`);
    expect(r.body.data.result).toHaveLength(1);
    expect(r.body.warnings).toEqual(["results truncated due to limit"]);
  });

  test("adds stats in Prometheus's shape when asked", async () => {
    const r = await get(`/api/v1/query?query=up&time=${sec(AT)}&stats=all`);
    expect(Object.keys(r.body.data.stats.timings).sort()).toEqual([
      "evalTotalTime",
      "execQueueTime",
      "execTotalTime",
      "innerEvalTime",
      "queryPreparationTime",
      "resultSortTime",
    ]);
    expect(r.body.data.stats.samples.totalQueryableSamples).toBeGreaterThan(0);
  });

  test("answers metadata per metric family", async () => {
    const r = await get("/api/v1/metadata?metric=up");
    expect(r.body.data).toEqual({
      up: [{ type: "gauge", help: "Whether the target is up.", unit: "" }],
    });
  });

  test("formats a query as Prometheus's format_query", async () => {
    const r = await get(
      `/api/v1/format_query?query=${encodeURIComponent("sum(rate(x[5m]))by(job)")}`,
    );
    expect(r.body).toEqual({ status: "success", data: "sum by (job) (rate(x[5m]))" });
  });

  test("answers exemplar queries with an empty list", async () => {
    const r = await get("/api/v1/query_exemplars?query=up");
    expect(r.body).toEqual({ status: "success", data: [] });
  });

  test("a query over the sample limit fails alone and the server keeps serving", async () => {
    const limited = serve(storage, new Engine({ maxSamples: 100 }));
    try {
      // Two series over 241 steps: 482 samples held at once.
      const range = `start=${sec(T0)}&end=${sec(T0 + HOUR)}&step=15`;
      const over = await fetch(`${limited.url}/api/v1/query_range?query=up&${range}`);
      expect(over.status).toBe(422);
      expect(await over.json()).toEqual({
        status: "error",
        errorType: "execution",
        error: "query processing would load too many samples into memory in query execution",
      });
      const after = await fetch(`${limited.url}/api/v1/query?query=up&time=${sec(AT)}`);
      expect(((await after.json()) as Json).data.result).toHaveLength(2);
    } finally {
      limited.stop();
    }
  });

  test("a query past its timeout answers 503 while other queries are answered", async () => {
    const sluggish = serve(slow(storage, 400), new Engine());
    try {
      const started = performance.now();
      const timedOut = fetch(`${sluggish.url}/api/v1/query?query=up&timeout=50ms`);
      const other = await fetch(`${sluggish.url}/api/v1/query?query=1`);
      expect(((await other.json()) as Json).data.result[1]).toBe("1");
      const res = await timedOut;
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: "error",
        errorType: "timeout",
        error: "query timed out in expression evaluation",
      });
      expect(performance.now() - started).toBeLessThan(350);
    } finally {
      sluggish.stop();
    }
  });
});

describe("outpost query", () => {
  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    const error = spyOn(console, "error").mockImplementation((s: string) => void err.push(s));
    try {
      const code = await runQuery(args);
      return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  test("prints a vector as one row per series", async () => {
    const r = await run(["--server", api.url, "--time", sec(AT), "up"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      ['up{instance="a:9100", job="node"}  1', 'up{instance="b:9100", job="node"}  0'].join("\n"),
    );
  });

  test("prints a range query's points under each series", async () => {
    const r = await run([
      "--server",
      api.url,
      "--start",
      sec(T0),
      "--end",
      sec(T0 + 60_000),
      "--step",
      "1m",
      'up{instance="a:9100"}',
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      'up{instance="a:9100", job="node"}',
      `  ${new Date(T0).toISOString()}  1`,
      `  ${new Date(T0 + 60_000).toISOString()}  1`,
    ]);
  });

  test("prints a scalar's value, and the API's JSON with --json", async () => {
    expect((await run(["--server", api.url, "2*21"])).out).toBe("42");
    const json = JSON.parse((await run(["--server", api.url, "--json", "2*21"])).out);
    expect(json.data.resultType).toBe("scalar");
  });

  test("exits 1 with the API's error for a bad query", async () => {
    const r = await run(["--server", api.url, "sum(up"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad_data: invalid parameter");
  });
});
