// biome-ignore-all lint/suspicious/noExplicitAny: the Prometheus API's JSON, read loosely
/**
 * The Connect query API of a real aggregator (nats-server, JetStream ingest, Parquet): the
 * generated client over the Connect protocol in JSON and binary and over gRPC-Web, and
 * `buf curl`; every method's answer equals what the Prometheus HTTP API answers for the same
 * request, and bad input gets the Connect code the docs promise.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { QueryService } from "../../proto/gen/outpost/query/v1/query_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ROOT = join(import.meta.dir, "..", "..");
const BUF = join(ROOT, "node_modules/@bufbuild/buf-linux-x64/bin/buf");
const STEP = 15_000;
/** The data: 30 minutes at a 15 s step, ending a minute ago (whole minutes). */
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const START = END - 30 * 60_000;
const SERIES: Record<string, string>[] = [
  { __name__: "demo_requests_total", job: "api", code: "200" },
  { __name__: "demo_requests_total", job: "api", code: "500" },
  { __name__: "demo_up", job: "api", instance: "a:1" },
  { __name__: "demo_up", job: "node", instance: "b:1" },
];

let dir = "";
let nats: NatsServerHandle;
let nc: NatsConnection;
let aggregator: Aggregator;

/** One batch with every series every step (value grows with time), and two families' metadata. */
function batch(): Uint8Array {
  const enc = new BatchEncoder();
  const series = SERIES.map((s) => ({ labels: labelsFromRecord(s) }));
  const block = new SampleBlock(series.length);
  for (let t = START; t <= END; t += STEP) {
    block.clear();
    for (const [i, s] of series.entries()) {
      block.push(s, t, i === 3 ? 0 : (i + 1) * ((t - START) / 1000));
    }
    enc.addBlock(block);
  }
  enc.addMetadata({ name: "demo_requests_total", type: "counter", help: "Requests.", unit: "" });
  enc.addMetadata({ name: "demo_up", type: "gauge", help: "Whether it is up.", unit: "" });
  return compress("lz4", enc.finish());
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-connect-"));
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  nc = await connectTo(nats.url);
  await publishBatch(nc, batch());
  await waitForAllAcked(nc);
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await aggregator?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** GETs the Prometheus API and returns `data` (and warnings), failing on an error answer. */
async function prom(path: string, params: Record<string, string | string[]>): Promise<any> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  const body: any = await (await fetch(`${aggregator.url}${path}?${q}`)).json();
  expect(body.status).toBe("success");
  return body.data;
}

const labelsOf = (pairs: { name: string; value: string }[]) =>
  Object.fromEntries(pairs.map((l) => [l.name, l.value]));
/** A Prometheus sample value as a number ("NaN", "+Inf" included). */
const num = (v: string) => (v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v));

const transports: [string, () => Transport][] = [
  ["Connect JSON", () => createConnectTransport({ baseUrl: aggregator.url })],
  [
    "Connect binary",
    () => createConnectTransport({ baseUrl: aggregator.url, useBinaryFormat: true }),
  ],
  ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: aggregator.url })],
];

describe.each(transports)("QueryService over %s", (_name, transport) => {
  let client: Client<typeof QueryService>;
  beforeAll(() => {
    client = createClient(QueryService, transport());
  });

  test.each([
    "demo_requests_total",
    "rate(demo_requests_total[5m])",
    "sum by (job) (demo_up)",
    "demo_requests_total[1m]",
    "scalar(sum(demo_up))",
    '"text"',
    "1 / 0",
  ])("Instant(%s) answers what /api/v1/query answers", async (query) => {
    const at = END - 5 * 60_000;
    const got = await client.instant({ query, timeMs: BigInt(at) });
    const want = await prom("/api/v1/query", { query, time: String(at / 1000) });
    const r = got.result?.value;
    expect(r?.case).toBe(want.resultType);
    if (r?.case === "vector") {
      expect(
        r.value.samples.map((s) => [labelsOf(s.labels), Number(s.timeMs) / 1000, s.value]),
      ).toEqual(want.result.map((s: any) => [s.metric, s.value[0], num(s.value[1])]));
    } else if (r?.case === "matrix") {
      expect(
        r.value.series.map((s) => [
          labelsOf(s.labels),
          s.timestampsMs.map((t) => Number(t) / 1000),
          s.values,
        ]),
      ).toEqual(
        want.result.map((s: any) => [
          s.metric,
          s.values.map((p: any) => p[0]),
          s.values.map((p: any) => num(p[1])),
        ]),
      );
    } else if (r?.case === "scalar") {
      expect([Number(r.value.timeMs) / 1000, r.value.value]).toEqual([
        want.result[0],
        num(want.result[1]),
      ]);
    } else if (r?.case === "string") {
      expect([Number(r.value.timeMs) / 1000, r.value.value]).toEqual(want.result);
    }
  });

  test("Range() answers what /api/v1/query_range answers, with stats when asked", async () => {
    const query = "sum by (code) (rate(demo_requests_total[2m]))";
    const got = await client.range({
      query,
      startMs: BigInt(START),
      endMs: BigInt(END),
      stepMs: 60_000n,
      options: { stats: true },
    });
    const want = await prom("/api/v1/query_range", {
      query,
      start: String(START / 1000),
      end: String(END / 1000),
      step: "60",
    });
    expect(got.result?.series.length).toBe(2);
    expect(
      got.result?.series.map((s) => [
        labelsOf(s.labels),
        s.timestampsMs.map((t) => Number(t) / 1000),
        s.values,
      ]),
    ).toEqual(
      want.result.map((s: any) => [
        s.metric,
        s.values.map((p: any) => p[0]),
        s.values.map((p: any) => num(p[1])),
      ]),
    );
    expect(Number(got.stats?.totalQueryableSamples)).toBeGreaterThan(0);
  });

  test("a limit cuts the answer and warns, as the HTTP API does", async () => {
    const got = await client.instant({
      query: "demo_up",
      timeMs: BigInt(END),
      options: { limit: 1 },
    });
    const http: any = await (
      await fetch(`${aggregator.url}/api/v1/query?query=demo_up&time=${END / 1000}&limit=1`)
    ).json();
    expect(got.result?.value.case === "vector" && got.result.value.value.samples.length).toBe(1);
    expect(got.warnings).toEqual(http.warnings);
  });

  test("Series, LabelNames and LabelValues answer what the HTTP API answers", async () => {
    const selection = { matchers: ['{job="api"}'] };
    const series = await client.series({ selection });
    expect(series.series.map((s) => labelsOf(s.labels))).toEqual(
      await prom("/api/v1/series", { "match[]": '{job="api"}' }),
    );
    expect(series.series.length).toBe(3);
    const names = await client.labelNames({ selection: {} });
    expect(names.names).toEqual(await prom("/api/v1/labels", {}));
    const values = await client.labelValues({ name: "job", selection: { matchers: ["demo_up"] } });
    expect(values.values).toEqual(await prom("/api/v1/label/job/values", { "match[]": "demo_up" }));
    expect(values.values).toEqual(["api", "node"]);
  });

  test("Metadata answers what /api/v1/metadata answers", async () => {
    const got = await client.metadata({});
    const want = await prom("/api/v1/metadata", {});
    const asHttp: Record<string, unknown[]> = {};
    for (const m of got.metadata) {
      asHttp[m.metric] = [
        ...(asHttp[m.metric] ?? []),
        { type: m.type, help: m.help, unit: m.unit },
      ];
    }
    expect(asHttp).toEqual(want);
    expect(got.metadata.length).toBe(2);
    expect((await client.metadata({ limit: 1 })).metadata.map((m) => m.metric)).toEqual([
      "demo_requests_total",
    ]);
  });

  test("Format answers what /api/v1/format_query answers", async () => {
    const query =
      "sum(rate(demo_requests_total{job='api'}[5m])) by (code)/ on() group_left sum(demo_up)";
    const got = await client.format({ query });
    expect(got.formatted).toBe(await prom("/api/v1/format_query", { query }));
  });

  test("Explain gives each node's kind, text and result size at a time", async () => {
    const query = "sum by (job) (rate(demo_requests_total[5m])) * on (job) group_left demo_up";
    const { root } = await client.explain({ query, at: { case: "timeMs", value: BigInt(END) } });
    expect(root?.kind).toBe("BinaryExpr");
    expect(root?.children.map((c) => c.kind)).toEqual(["AggregateExpr", "VectorSelector"]);
    const rate = root?.children[0].children[0];
    expect(rate?.text).toBe("rate(demo_requests_total[5m])");
    expect(query.slice(rate?.start, rate?.end)).toBe("rate(demo_requests_total[5m])");
    expect([rate?.series, rate?.samples]).toEqual([2n, 2n]);
    const window = rate?.children[0];
    expect(window?.valueType).toBe("matrix");
    // 5 minutes of 15 s samples, both ends of the window inclusive of the newest.
    expect([window?.series, window?.samples]).toEqual([2n, 40n]);
    expect([root?.series, root?.children[1].series]).toEqual([1n, 2n]);
  });

  test("Explain over a range counts every step's points", async () => {
    const range = { startMs: BigInt(END - 10 * 60_000), endMs: BigInt(END), stepMs: 60_000n };
    const { root } = await client.explain({
      query: "demo_up + 1",
      at: { case: "range", value: range },
    });
    expect([root?.series, root?.samples]).toEqual([2n, 22n]);
    expect(root?.children[1]).toMatchObject({ kind: "NumberLiteral", series: 1n, samples: 11n });
  });
});

/** The Connect error a call failed with. */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("the call did not fail");
}

describe("bad input", () => {
  let client: Client<typeof QueryService>;
  beforeAll(() => {
    client = createClient(QueryService, createConnectTransport({ baseUrl: aggregator.url }));
  });

  test("a query that does not parse is invalid_argument with the parser's position", async () => {
    const err = await failure(client.instant({ query: "sum(demo_up" }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe(
      'invalid parameter "query": 1:12: parse error: unclosed left parenthesis',
    );
    const http: any = await (
      await fetch(`${aggregator.url}/api/v1/query?query=sum(demo_up`)
    ).json();
    expect(http.error).toBe(err.rawMessage);
    for (const call of [client.explain({ query: "sum(" }), client.format({ query: "a{" })]) {
      expect((await failure(call)).code).toBe(Code.InvalidArgument);
    }
  });

  test("a bad range names the parameter", async () => {
    const err = await failure(
      client.range({ query: "demo_up", startMs: 10n, endMs: 5n, stepMs: 1n }),
    );
    expect([err.code, err.rawMessage]).toEqual([
      Code.InvalidArgument,
      'invalid parameter "end": end timestamp must not be before start time',
    ]);
    const step = await failure(
      client.range({ query: "demo_up", startMs: 0n, endMs: 5n, stepMs: 0n }),
    );
    expect(step.rawMessage).toContain('invalid parameter "step"');
  });

  test("a query that would hold too many samples is resource_exhausted", async () => {
    const err = await failure(
      client.instant({ query: "count_over_time(demo_up[1000d:1ms])", timeMs: BigInt(END) }),
    );
    expect([err.code, err.rawMessage]).toEqual([
      Code.ResourceExhausted,
      "query processing would load too many samples into memory in query execution",
    ]);
  });

  test("an unknown JSON field is invalid_argument naming the field", async () => {
    const res = await fetch(`${aggregator.url}/outpost.query.v1.QueryService/Instant`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "demo_up", tmeMs: "1" }),
    });
    const body: any = await res.json();
    expect([res.status, body.code]).toEqual([400, "invalid_argument"]);
    expect(body.message).toContain('"tmeMs"');
  });

  test("a message over 4 MiB is refused, and the server keeps serving", async () => {
    const res = await fetch(`${aggregator.url}/outpost.query.v1.QueryService/Format`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "x".repeat(5 * 1024 * 1024) }),
    });
    const body: any = await res.json();
    expect(body.code).toBe("resource_exhausted");
    expect((await client.format({ query: "demo_up" })).formatted).toBe("demo_up");
  });

  test("answers are counted by procedure and code", async () => {
    const text = await (await fetch(`${aggregator.url}/metrics`)).text();
    expect(text).toMatch(
      /outpost_connect_requests_total\{procedure="\/outpost.query.v1.QueryService\/Instant",code="invalid_argument"\} [1-9]/,
    );
  });
});

describe("buf curl", () => {
  // Spawned, not spawnSync: the aggregator answers from this process's event loop.
  const curl = async (method: string, data: object, protocol = "connect") => {
    const url = `${aggregator.url}/outpost.query.v1.QueryService/${method}`;
    const args = ["--schema", join(ROOT, "proto"), "--protocol", protocol, "--data"];
    const proc = Bun.spawn([BUF, "curl", ...args, JSON.stringify(data), url], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = [
      await new Response(proc.stdout).text(),
      await new Response(proc.stderr).text(),
    ];
    expect([await proc.exited, err]).toEqual([0, ""]);
    return JSON.parse(out);
  };

  test.each(["connect", "grpcweb"])(
    "Instant over %s answers the HTTP API's vector",
    async (protocol) => {
      const got = await curl("Instant", { query: "demo_up", timeMs: String(END) }, protocol);
      const want = await prom("/api/v1/query", { query: "demo_up", time: String(END / 1000) });
      expect(
        got.result.vector.samples.map((s: any) => [labelsOf(s.labels), Number(s.value ?? 0)]),
      ).toEqual(want.result.map((s: any) => [s.metric, Number(s.value[1])]));
    },
  );

  test("Range answers the HTTP API's matrix", async () => {
    const data = {
      query: "demo_requests_total",
      startMs: String(START),
      endMs: String(END),
      stepMs: "300000",
    };
    const got = await curl("Range", data);
    const want = await prom("/api/v1/query_range", {
      query: "demo_requests_total",
      start: String(START / 1000),
      end: String(END / 1000),
      step: "300",
    });
    expect(
      got.result.series.map((s: any) => [labelsOf(s.labels), s.timestampsMs.map(Number), s.values]),
    ).toEqual(
      want.result.map((s: any) => [
        s.metric,
        s.values.map((p: any) => p[0] * 1000),
        s.values.map((p: any) => Number(p[1])),
      ]),
    );
  });
});
