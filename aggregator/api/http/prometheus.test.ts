import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { MemoryStorage } from "../../storage/memory.ts";
import type { Queryable } from "../../storage/storage.ts";
import { prometheusApi } from "./prometheus.ts";

const T = 1_000_000; // ms: the samples lie at 0, 60 s, …, 960 s
const storage = new MemoryStorage();
for (const [labels, v] of [
  [{ __name__: "up", job: "a" }, 1],
  [{ __name__: "up", job: "b" }, 0],
  [{ __name__: "temp", room: "x" }, 21.5],
] as const) {
  const samples: [number, number][] = [];
  for (let t = 0; t <= 960_000; t += 60_000) samples.push([t, v]);
  storage.append(labelsFromRecord(labels), samples);
}
const registry = new Registry();
const app = prometheusApi({
  engine: new Engine(),
  queryable: storage,
  buildInfo: { version: "9.9.9" },
  registry,
  metadata: () => [
    { name: "up", type: "gauge", help: "Up.", unit: "" },
    { name: "up", type: "gauge", help: "Up, said another target.", unit: "" },
    { name: "temp", type: "gauge", help: "Temperature.", unit: "celsius" },
  ],
  now: () => T,
});

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: Json }> {
  const res = await app.request(path, init);
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers come in many shapes
type Json = any;
const post = (body: string): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body,
});

const enc = encodeURIComponent;
const chain = (term: string, op: string, n: number) => new Array(n).fill(term).join(op);
const nested = (open: string, inner: string, close: string, n: number) =>
  open.repeat(n) + inner + close.repeat(n);
const TOO_DEEP = "parse error: expression nesting too deep (limit 256)";
const TOO_MANY_SAMPLES =
  "query processing would load too many samples into memory in query execution";

describe("prometheusApi()", () => {
  // [what, path, request, what `data` (or the error) must equal]
  const cases: [string, string, RequestInit | undefined, Json][] = [
    [
      "reads a POST body before the query string",
      "/api/v1/query?query=2",
      post("query=1&time=5"),
      { resultType: "scalar", result: [5, "1"] },
    ],
    [
      "evaluates at the server's time when none is given",
      "/api/v1/query?query=time()",
      undefined,
      { resultType: "scalar", result: [1000, "1000"] },
    ],
    [
      "answers a string",
      '/api/v1/query?query="hi"&time=1',
      undefined,
      { resultType: "string", result: [1, "hi"] },
    ],
    [
      "answers a range selector as a matrix",
      "/api/v1/query?query=temp[2m]&time=960",
      undefined,
      {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "temp", room: "x" },
            values: [
              [900, "21.5"],
              [960, "21.5"],
            ],
          },
        ],
      },
    ],
    [
      "applies lookback_delta to the query",
      "/api/v1/query?query=up&time=1020&lookback_delta=30s",
      undefined,
      { resultType: "vector", result: [] },
    ],
    [
      "answers at a chosen resolution (no rollups here: from raw samples)",
      "/api/v1/query_range?query=max_over_time(up[5m])&start=600&end=900&step=300&resolution=5m",
      undefined,
      {
        resultType: "matrix",
        result: [
          {
            metric: { job: "a" },
            values: [
              [600, "1"],
              [900, "1"],
            ],
          },
          {
            metric: { job: "b" },
            values: [
              [600, "0"],
              [900, "0"],
            ],
          },
        ],
      },
    ],
    [
      "lists label names over every match[]",
      "/api/v1/labels?match[]=temp&match[]=up",
      undefined,
      ["__name__", "job", "room"],
    ],
    [
      "lists label values of matching series",
      "/api/v1/label/job/values?match[]=up",
      undefined,
      ["a", "b"],
    ],
    [
      "answers metadata with one entry per distinct help",
      "/api/v1/metadata?limit_per_metric=5",
      undefined,
      {
        temp: [{ type: "gauge", help: "Temperature.", unit: "celsius" }],
        up: [
          { type: "gauge", help: "Up.", unit: "" },
          { type: "gauge", help: "Up, said another target.", unit: "" },
        ],
      },
    ],
    [
      "evaluates a chain of 100,000 additions",
      "/api/v1/query",
      post(`query=${enc(chain("1", "+", 100_000))}&time=5`),
      { resultType: "scalar", result: [5, "100000"] },
    ],
    [
      "evaluates a chain of 20,000 set operations",
      "/api/v1/query",
      post(`query=${enc(chain("up", " or ", 20_000))}&time=960`),
      {
        resultType: "vector",
        result: [
          { metric: { __name__: "up", job: "a" }, value: [960, "1"] },
          { metric: { __name__: "up", job: "b" }, value: [960, "0"] },
        ],
      },
    ],
    ["answers no metadata for limit=0", "/api/v1/metadata?limit=0", undefined, {}],
    [
      "keeps limit_per_metric entries per metric",
      "/api/v1/metadata?metric=up&limit_per_metric=1",
      undefined,
      { up: [{ type: "gauge", help: "Up.", unit: "" }] },
    ],
  ];
  for (const [what, path, init, data] of cases) {
    test(what, async () => {
      const r = await call(path, init);
      expect(r.status).toBe(200);
      expect(r.body.status).toBe("success");
      expect(r.body.data).toEqual(data);
    });
  }

  // [what, path, status, error type, error]
  const errors: [string, string, number, string, string][] = [
    [
      "refuses a range vector as a range query's result",
      "/api/v1/query_range?query=up[1m]&start=0&end=60&step=15",
      400,
      "bad_data",
      'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
    [
      "refuses a query_range without start",
      "/api/v1/query_range?query=up",
      400,
      "bad_data",
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    ],
    [
      "refuses a bad timeout",
      "/api/v1/query?query=up&timeout=soon",
      400,
      "bad_data",
      'invalid parameter "timeout": cannot parse "soon" to a valid duration',
    ],
    [
      "refuses a resolution that is not one of auto, raw, 1m, 5m, 1h",
      "/api/v1/query_range?query=up&start=0&end=60&step=15&resolution=2h",
      400,
      "bad_data",
      'invalid parameter "resolution": Cannot use resolution "2h": it is none of auto, raw, 1m, 5m, 1h',
    ],
    [
      "refuses a bad limit before anything else",
      "/api/v1/query?query=up&limit=x&time=x",
      400,
      "bad_data",
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    ],
    [
      "refuses an empty label name",
      "/api/v1/label/U__/values",
      400,
      "bad_data",
      'invalid label name: ""',
    ],
    [
      "refuses a label name that is not UTF-8, as Prometheus says it",
      "/api/v1/label/%FF/values",
      400,
      "bad_data",
      'invalid label name: "\\xff"',
    ],
    [
      "refuses a bad match[] on labels without naming the parameter",
      "/api/v1/labels?match[]=up%7B",
      400,
      "bad_data",
      "1:4: parse error: unexpected end of input inside braces",
    ],
    [
      "refuses a bad metadata limit",
      "/api/v1/metadata?limit=many",
      400,
      "bad_data",
      "limit must be a number",
    ],
    [
      "refuses a bad format_query",
      "/api/v1/format_query?query=1%2B",
      400,
      "bad_data",
      'invalid parameter "query": 1:3: parse error: unexpected end of input',
    ],
    [
      "refuses parentheses nested 10,000 deep as bad data",
      `/api/v1/query?query=${enc(nested("(", "1", ")", 10_000))}`,
      400,
      "bad_data",
      `invalid parameter "query": 1:258: ${TOO_DEEP}`,
    ],
    [
      "refuses 100,000 signs as bad data",
      `/api/v1/query?query=${enc(`${"-".repeat(100_000)}1`)}`,
      400,
      "bad_data",
      `invalid parameter "query": 1:258: ${TOO_DEEP}`,
    ],
    [
      "refuses function calls nested 10,000 deep as bad data",
      `/api/v1/query_range?query=${enc(nested("abs(", "up", ")", 10_000))}&start=0&end=60&step=15`,
      400,
      "bad_data",
      `invalid parameter "query": 1:1029: ${TOO_DEEP}`,
    ],
    [
      "refuses subqueries nested 2,000 deep as bad data",
      `/api/v1/query?query=${enc(nested("max_over_time(", "up", "[5m:1m])", 2_000))}`,
      400,
      "bad_data",
      `invalid parameter "query": 1:3599: ${TOO_DEEP}`,
    ],
    [
      "refuses to format parentheses nested 10,000 deep as bad data",
      `/api/v1/format_query?query=${enc(nested("(", "1", ")", 10_000))}`,
      400,
      "bad_data",
      `invalid parameter "query": 1:258: ${TOO_DEEP}`,
    ],
    [
      "refuses to format a chain whose indented text would be too long",
      `/api/v1/format_query?query=${enc(chain("up", " + ", 100_000))}`,
      422,
      "execution",
      "Cannot format the query: its formatted text would exceed 67108864 characters",
    ],
    [
      "refuses a subquery of 2.6 billion steps before allocating them",
      "/api/v1/query?query=up[30d:1ms]",
      422,
      "execution",
      TOO_MANY_SAMPLES,
    ],
    [
      "refuses a function over a subquery of 2.6 billion steps",
      "/api/v1/query?query=sum_over_time(up[30d:1ms])",
      422,
      "execution",
      TOO_MANY_SAMPLES,
    ],
    [
      "refuses a query that does not parse as bad data even with timeout=0",
      "/api/v1/query?query=1%2B&timeout=0",
      400,
      "bad_data",
      'invalid parameter "query": 1:3: parse error: unexpected end of input',
    ],
    [
      "refuses a range query that does not parse as bad data even with timeout=0",
      "/api/v1/query_range?query=sum(&start=0&end=60&step=15&timeout=0",
      400,
      "bad_data",
      'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    ],
    [
      "times a query out before it runs with timeout=0",
      "/api/v1/query?query=up&timeout=0",
      503,
      "timeout",
      "query timed out in query execution",
    ],
    [
      "refuses exemplars that end before they start",
      "/api/v1/query_exemplars?query=up&start=10&end=5",
      400,
      "bad_data",
      "end timestamp must not be before start timestamp",
    ],
  ];
  for (const [what, path, status, errorType, error] of errors) {
    test(what, async () => {
      const r = await call(path);
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ status: "error", errorType, error });
    });
  }

  test("truncates a matrix to limit series with a warning", async () => {
    const r = await call("/api/v1/query_range?query=up&start=0&end=120&step=60&limit=1");
    expect(r.body.data.result).toHaveLength(1);
    expect(r.body.warnings).toEqual(["results truncated due to limit"]);
  });

  test("leaves stats out unless asked", async () => {
    const r = await call("/api/v1/query?query=up&time=60");
    expect(r.body.data.stats).toBeUndefined();
  });

  test("answers exemplars of an expression without selectors with no content", async () => {
    expect((await call("/api/v1/query_exemplars?query=1")).status).toBe(204);
  });

  test("reports the runtime as Prometheus's runtimeinfo fields", async () => {
    const r = await call("/api/v1/status/runtimeinfo");
    expect(r.body.data.startTime).toBe(new Date(T).toISOString());
    expect(Object.keys(r.body.data)).toContain("storageRetention");
  });

  test("answers a CORS preflight and adds CORS headers for a trusted browser origin only", async () => {
    const withOrigins = (corsOrigins: string[]) =>
      prometheusApi({
        engine: new Engine(),
        queryable: storage,
        buildInfo: { version: "" },
        corsOrigins,
      });
    const allow = async (api: ReturnType<typeof prometheusApi>, origin: string) => {
      const pre = await api.request("/api/v1/query", {
        method: "OPTIONS",
        headers: { Origin: origin },
      });
      expect(pre.status).toBe(204);
      const res = await api.request("/api/v1/query?query=1", { headers: { Origin: origin } });
      expect(res.status).toBe(200);
      return [pre, res].map((r) => [
        r.headers.get("access-control-allow-origin"),
        r.headers.get("access-control-allow-methods"),
      ]);
    };
    const granted = ["http://grafana", "GET, POST, OPTIONS"];
    // None by default: a page elsewhere must not read a loopback aggregator's answers.
    expect(await allow(app, "http://grafana")).toEqual([
      [null, null],
      [null, null],
    ]);
    const one = withOrigins(["http://grafana"]);
    expect(await allow(one, "http://grafana")).toEqual([granted, granted]);
    expect((await allow(one, "http://evil.example"))[1]).toEqual([null, null]);
    // `*` is Prometheus's default: any origin, reflected.
    const any = withOrigins(["*"]);
    expect((await allow(any, "http://g"))[1]).toEqual(["http://g", "GET, POST, OPTIONS"]);
  });

  test("refuses a form body over 10 MiB as Prometheus (Go's ParseForm) does, unread", async () => {
    const r = await call("/api/v1/query", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `query=${"1".repeat((10 << 20) + 1)}`,
    });
    expect(r.status).toBe(400);
    expect(r.body.errorType).toBe("bad_data");
    expect(r.body.error).toContain("POST too large");
  });

  test("reads a multipart form and a form whose media type is not in lower case, as Go does", async () => {
    const multipart = new FormData();
    multipart.append("query", "1+1");
    multipart.append("upload", new Blob(["query=3"]), "file.txt");
    const parts = await call("/api/v1/query?time=10", { method: "POST", body: multipart });
    expect([parts.status, parts.body.data]).toEqual([
      200,
      { resultType: "scalar", result: [10, "2"] },
    ]);
    const upper = await call("/api/v1/query?time=10", {
      method: "POST",
      headers: { "Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8" },
      body: "query=2%2B2",
    });
    expect([upper.status, upper.body.data.result]).toEqual([200, [10, "4"]]);
    const broken = await call("/api/v1/query?query=5", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body: "not multipart at all",
    });
    expect([broken.status, broken.body.data.result]).toEqual([200, expect.any(Array)]);
  });

  test("answers another method on a known path with Prometheus's 405 and the methods it takes", async () => {
    for (const [method, path, allow] of [
      ["DELETE", "/api/v1/query?query=up", "GET, OPTIONS, POST"],
      ["PUT", "/api/v1/query_range", "GET, OPTIONS, POST"],
      ["POST", "/api/v1/label/job/values", "GET, OPTIONS"],
      ["POST", "/federate?match[]=up", "GET, OPTIONS"],
    ] as const) {
      const res = await app.request(path, { method });
      expect([res.status, res.headers.get("allow"), await res.text()]).toEqual([
        405,
        allow,
        "Method Not Allowed\n",
      ]);
    }
    const gone = await app.request("/api/v1/series?match[]=up", { method: "DELETE" });
    expect([gone.status, await gone.text()]).toEqual([
      500,
      '{"status":"error","errorType":"internal","error":"not implemented"}',
    ]);
    const preflight = await app.request("/api/v1/query", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
  });

  test("counts requests by handler and status code", async () => {
    await call("/api/v1/labels");
    expect(registry.render()).toContain(
      'outpost_http_requests_total{handler="/api/v1/labels",code="200"}',
    );
  });

  test("answers exemplars of a chain of 100,000 additions without selectors with no content", async () => {
    const res = await app.request(
      "/api/v1/query_exemplars",
      post(`query=${enc(chain("1", "+", 100_000))}`),
    );
    expect(res.status).toBe(204);
  });

  test("answers a query that runs storage out of memory as an execution error, and counts it", async () => {
    const oom = new Error(
      "Cannot read Parquet files: Out of Memory Error: failed to allocate data of size 16.0 MiB (18.2 MiB/19.0 MiB used)\n\nPossible solutions:",
    );
    const exhausted: Queryable = {
      querier: async () => ({
        select: () => Promise.reject(oom),
        labelNames: async () => [],
        labelValues: async () => [],
        close: () => {},
      }),
    };
    const counted = new Registry();
    const api = prometheusApi({
      engine: new Engine(),
      queryable: exhausted,
      buildInfo: { version: "1" },
      registry: counted,
    });
    const res = await api.request("/api/v1/query?query=up");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      status: "error",
      errorType: "execution",
      error:
        "query would read too many samples from storage: Cannot read Parquet files: Out of Memory Error: failed to allocate data of size 16.0 MiB (18.2 MiB/19.0 MiB used)",
    });
    expect(counted.render()).toContain('outpost_query_out_of_memory_total{stage="storage"} 1');
  });

  test("answers a storage failure as an execution error for metadata, internal for queries", async () => {
    const broken: Queryable = {
      querier: () => Promise.reject(new Error("Cannot read bucket: offline")),
    };
    const failing = prometheusApi({
      engine: new Engine(),
      queryable: broken,
      buildInfo: { version: "1" },
    });
    const labels = await failing.request("/api/v1/labels");
    expect(labels.status).toBe(422);
    expect(await labels.json()).toEqual({
      status: "error",
      errorType: "execution",
      error: "Cannot read bucket: offline",
    });
    const query = await failing.request("/api/v1/query?query=up");
    expect(query.status).toBe(500);
    expect(((await query.json()) as Json).errorType).toBe("internal");
  });
});

describe("prometheusApi() order", () => {
  // Prometheus lists names, values, series and metadata in Go's string order: UTF-8 bytes.
  const byBytes = ["a", "z", "é", "～", "😀"];
  const wide = new MemoryStorage();
  for (const l of ["～", "a", "😀", "é", "z"])
    wide.append(labelsFromRecord({ __name__: "m", l }), [[0, 1]]);
  wide.append(labelsFromRecord({ __name__: "n", "😀": "2", "～": "1" }), [[0, 1]]);
  const api = prometheusApi({
    engine: new Engine(),
    queryable: wide,
    buildInfo: { version: "1" },
    metadata: () =>
      ["m😀", "m～", "ma"].map((name) => ({ name, type: "gauge" as const, help: "", unit: "" })),
    now: () => T,
  });
  const data = async (path: string) => ((await (await api.request(path)).json()) as Json).data;
  const cases: [string, string, (data: Json) => unknown, unknown[]][] = [
    ["label values", "/api/v1/label/l/values", (d) => d, byBytes],
    [
      "label values of two match[] sets",
      '/api/v1/label/l/values?match[]=m{l=~"[a-z]"}&match[]=m{l!~"[a-z]"}',
      (d) => d,
      byBytes,
    ],
    ["label names", "/api/v1/labels", (d) => d, ["__name__", "l", "～", "😀"]],
    [
      "label names of two match[] sets",
      "/api/v1/labels?match[]=n&match[]=m",
      (d) => d,
      ["__name__", "l", "～", "😀"],
    ],
    ["series", "/api/v1/series?match[]=m", (d) => d.map((s: Json) => s.l), byBytes],
    ["metadata", "/api/v1/metadata", (d) => Object.keys(d), ["ma", "m～", "m😀"]],
    [
      "a query's series",
      "/api/v1/query?query=m&time=0",
      (d) => d.result.map((s: Json) => s.metric.l),
      byBytes,
    ],
  ];
  test.each(cases)("lists %s in UTF-8 byte order", async (_, path, pick, want) => {
    expect(pick(await data(path))).toEqual(want);
  });
});
