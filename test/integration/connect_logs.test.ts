// biome-ignore-all lint/suspicious/noExplicitAny: the Loki API's JSON, read loosely
/**
 * The Connect logs API of a real aggregator (nats-server, JetStream ingest, logs head and
 * Parquet): the generated client over the Connect protocol in JSON and binary; every method's
 * answer equals what Loki's HTTP API answers for the same request (or, for Volume and
 * Context, what the published lines say), Tail pushes a line published after it started over
 * HTTP/1.1 streaming, and a client that does not read is dropped with `resource_exhausted`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { Direction, LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { transportWithHeaders } from "../harness/connect_headers.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const S = 1_000_000_000n;
/** A line a second for ten minutes, ending a minute ago, spread over three streams. */
const END_NS = (BigInt(Date.now()) / 1000n - 60n) * S;
const START_NS = END_NS - 600n * S;
const STREAMS = [
  { app: "api", level: "info" },
  { app: "api", level: "error" },
  { app: "web", level: "info" },
];
/** Lines a tail test may have queued before it is dropped. */
const MAX_QUEUED = 200;

let dir = "";
let nats: NatsServerHandle;
let nc: NatsConnection;
let aggregator: Aggregator;
const published: LogRecord[] = [];

function record(i: number, timeNs: bigint, text = "request"): LogRecord {
  const stream = STREAMS[i % STREAMS.length];
  return {
    timeNs,
    labels: labelsFromRecord(stream),
    line: `seq=${i} app=${stream.app} level=${stream.level} msg="${text}"`,
    fields: [],
  };
}

async function publishLogs(records: readonly LogRecord[]): Promise<void> {
  const enc = new BatchEncoder();
  for (const r of records) enc.addLog(r);
  await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs" });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-connect-logs-"));
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(
    dir,
    nats.url,
    `logs:\n  tail_max_queued: ${MAX_QUEUED}\n`,
  );
  nc = await connectTo(nats.url);
  for (let i = 0; i < 600; i++) published.push(record(i, START_NS + BigInt(i) * S));
  await publishLogs(published);
  await waitForAllAcked(nc);
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await aggregator?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** GETs Loki's API and returns `data` (or the whole body when it has none). */
async function loki(path: string, params: Record<string, string | string[]>): Promise<any> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  const res = await fetch(`${aggregator.url}/loki/api/v1/${path}?${q}`);
  expect(res.status).toBe(200);
  const body: any = await res.json();
  return body.data ?? [];
}

const record_ = (pairs: { name: string; value: string }[]) =>
  Object.fromEntries(pairs.map((l) => [l.name, l.value]));
/** Loki's streams as comparable data: labels, and values as [ns, line]. */
const lokiStreams = (result: any[]) =>
  result.map((s) => ({ labels: s.stream, values: s.values.map((v: any) => [v[0], v[1]]) }));
const connectStreams = (streams: any[]) =>
  streams.map((s) => ({
    labels: record_(s.labels),
    values: s.entries.map((e: any) => [String(e.timeNs), e.line]),
  }));
const num = (v: string) => (v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v));

const transports: [string, () => Transport][] = [
  ["Connect JSON", () => createConnectTransport({ baseUrl: aggregator.url })],
  [
    "Connect binary",
    () => createConnectTransport({ baseUrl: aggregator.url, useBinaryFormat: true }),
  ],
];

describe.each(transports)("LogsService over %s", (_name, transport) => {
  let client: Client<typeof LogsService>;
  beforeAll(() => {
    client = createClient(LogsService, transport());
  });
  const start = String(START_NS);
  const end = String(END_NS + S);

  test.each([
    ['{app="api"}', Direction.BACKWARD, "backward"],
    ['{app=~".+"} |= "level=error"', Direction.FORWARD, "forward"],
    ['{app="web"} | logfmt | seq > 500 | line_format "{{.seq}}"', Direction.BACKWARD, "backward"],
  ] as const)(
    "Query(%s) as a log query answers what query_range answers",
    async (query, dir, d) => {
      const got = await client.query({
        query,
        at: { case: "range", value: { startNs: START_NS, endNs: END_NS + S } },
        limit: 150,
        direction: dir,
      });
      const want = await loki("query_range", { query, start, end, limit: "150", direction: d });
      expect(got.result.case).toBe("streams");
      const streams = got.result.case === "streams" ? got.result.value.streams : [];
      expect(streams.length).toBeGreaterThan(0);
      expect(connectStreams(streams)).toEqual(lokiStreams(want.result));
    },
  );

  test("Query of a metric over a range answers the matrix query_range answers", async () => {
    const query = 'sum by (level) (count_over_time({app="api"}[1m]))';
    const got = await client.query({
      query,
      at: { case: "range", value: { startNs: START_NS, endNs: END_NS, stepNs: 60n * S } },
    });
    const want = await loki("query_range", { query, start, end: String(END_NS), step: "60" });
    const series = got.result.case === "matrix" ? got.result.value.series : [];
    expect(series.length).toBe(2);
    expect(
      series.map((s) => ({
        metric: record_(s.labels),
        values: s.timestampsMs.map((t, i) => [Number(t) / 1000, s.values[i]]),
      })),
    ).toEqual(
      want.result.map((s: any) => ({
        metric: s.metric,
        values: s.values.map((p: any) => [p[0], num(p[1])]),
      })),
    );
  });

  test("Query of a metric at one time answers the vector query answers", async () => {
    const query = 'sum by (app) (rate({app=~".+"}[5m]))';
    const got = await client.query({ query, at: { case: "timeNs", value: END_NS } });
    const want = await loki("query", { query, time: String(END_NS) });
    const samples = got.result.case === "vector" ? got.result.value.samples : [];
    expect(samples.length).toBe(2);
    expect(samples.map((s) => [record_(s.labels), Number(s.timeMs) / 1000, s.value])).toEqual(
      want.result.map((s: any) => [s.metric, s.value[0], num(s.value[1])]),
    );
  });

  test("LabelNames, LabelValues and Series answer what labels, label values and series answer", async () => {
    const selection = { selector: '{app="api"}', startNs: START_NS, endNs: END_NS + S };
    const names = await client.labelNames({ selection });
    expect(names.names).toEqual(await loki("labels", { query: '{app="api"}', start, end }));
    const values = await client.labelValues({ name: "level", selection });
    expect(values.values).toEqual(
      await loki("label/level/values", { query: '{app="api"}', start, end }),
    );
    const all = await client.labelValues({ name: "app", selection: { startNs: START_NS } });
    expect(all.values).toEqual(await loki("label/app/values", { start }));
    const series = await client.series({
      selectors: ['{level="info"}', '{app="api"}'],
      startNs: START_NS,
      endNs: END_NS + S,
    });
    const want = await loki("series", { "match[]": ['{level="info"}', '{app="api"}'], start, end });
    expect(series.series.map((s) => record_(s.labels))).toEqual(want);
  });

  test("Volume counts the lines published per step, by level", async () => {
    const got = await client.volume({
      selector: '{app=~".+"}',
      by: "level",
      range: { startNs: START_NS, endNs: END_NS, stepNs: 60n * S },
    });
    const series = got.matrix?.series ?? [];
    for (const s of series) {
      const level = record_(s.labels).level;
      s.timestampsMs.forEach((t, i) => {
        const at = BigInt(t) * 1_000_000n;
        const expected = published.filter(
          (r) =>
            r.labels[r.labels.indexOf("level") + 1] === level &&
            r.timeNs > at - 60n * S &&
            r.timeNs <= at,
        ).length;
        expect(s.values[i]).toBe(expected);
      });
    }
    expect(series.map((s) => record_(s.labels).level).sort()).toEqual(["error", "info"]);
  });

  test("Context gives the lines of the stream just before and after a line", async () => {
    const stream = STREAMS[0];
    const mine = published.filter((r) => r.labels.join() === labelsFromRecord(stream).join());
    const k = 50;
    const got = await client.context({
      stream: Object.entries(stream).map(([name, value]) => ({ name, value })),
      timeNs: mine[k].timeNs,
      before: 3,
      after: 2,
    });
    const lines = (es: { line: string }[]) => es.map((e) => e.line);
    expect(lines(got.before)).toEqual(mine.slice(k - 3, k).map((r) => r.line));
    expect(lines(got.at)).toEqual([mine[k].line]);
    expect(lines(got.after)).toEqual(mine.slice(k + 1, k + 3).map((r) => r.line));
  });

  test("bad input gets invalid_argument with Loki's message", async () => {
    const bad = [
      () => client.query({ query: '{app="api"', at: { case: "timeNs", value: END_NS } }),
      () => client.query({ query: '{app="api"}', at: { case: "timeNs", value: END_NS } }),
      () => client.query({ query: '{app="api"}', limit: 9000 }),
      () => client.volume({ selector: '{app="api"}', by: "not a label" }),
    ];
    for (const call of bad) {
      const err = await call().then(
        () => null,
        (e) => ConnectError.from(e),
      );
      expect(err?.code).toBe(Code.InvalidArgument);
      expect(err?.rawMessage.length).toBeGreaterThan(10);
    }
  });

  test("Tail sends recent lines, then a line published after it started", async () => {
    // Nothing in storage has the marker yet, so the first message is live.
    const marker = `tailed-${Math.random()}`;
    const stream = client.tail({ query: `{app="web"} |= "${marker}"`, startNs: END_NS - 60n * S });
    const it = stream[Symbol.asyncIterator]();
    const now = BigInt(Date.now()) * 1_000_000n;
    const sent = performance.now();
    setTimeout(() => void publishLogs([record(2, now, marker), record(0, now, marker)]), 300);
    const first = await it.next();
    const latency = performance.now() - sent - 300;
    await it.return?.();
    const streams = connectStreams(first.value?.streams ?? []);
    expect(streams).toEqual([
      { labels: STREAMS[2], values: [[String(now), record(2, now, marker).line]] },
    ]);
    expect(latency).toBeLessThan(1000);
  });
});

test("Tail refuses a metric query and a delay over 5 s", async () => {
  const client = createClient(LogsService, createConnectTransport({ baseUrl: aggregator.url }));
  for (const req of [
    { query: 'count_over_time({app="web"}[1m])' },
    { query: '{app="web"}', delayForSeconds: 6 },
  ]) {
    const err = await (async () => {
      for await (const _ of client.tail(req)) return null;
    })().catch((e) => ConnectError.from(e));
    expect(err?.code).toBe(Code.InvalidArgument);
  }
});

test("a tenant may have 10 tails open, as Loki's max_concurrent_tail_requests; others may still tail", async () => {
  const client = (tenant: string) =>
    createClient(LogsService, transportWithHeaders(aggregator.url, { "X-Scope-OrgID": tenant }));
  const stop = new AbortController();
  // A tail of a tenant with no lines sends nothing: "open" is still waiting after a while; a
  // refused one ends at once.
  const open = (tenant: string) =>
    Promise.race([
      client(tenant)
        .tail({ query: '{app="api"}' }, { signal: stop.signal })
        [Symbol.asyncIterator]()
        .next()
        .then(
          () => "sent something",
          (e) => ConnectError.from(e).message,
        ),
      Bun.sleep(1000).then(() => "open"),
    ]);
  try {
    const ten = await Promise.all(Array.from({ length: 10 }, () => open("slots")));
    expect(ten).toEqual(Array(10).fill("open"));
    expect(await open("slots")).toBe(
      "[resource_exhausted] max concurrent tail requests limit exceeded, count > limit (11 > 10)",
    );
    // Another tenant's tails are counted apart.
    expect(await open("slots-other")).toBe("open");
  } finally {
    stop.abort();
  }
});

test("a Tail client that does not read is dropped with resource_exhausted; ingest goes on", async () => {
  const client = createClient(LogsService, createConnectTransport({ baseUrl: aggregator.url }));
  // A line of history for each client, so that its first message comes at once.
  const t0 = BigInt(Date.now()) * 1_000_000n;
  await publishLogs([record(0, t0, "flood"), record(2, t0, "flood")]);
  await waitForAllAcked(nc);
  const lazy = client.tail({ query: '{app="api"} |= "flood"', limit: 1 })[Symbol.asyncIterator]();
  const stop = new AbortController();
  const reader = client
    .tail({ query: '{app="web"} |= "flood"', limit: 1 }, { signal: stop.signal })
    [Symbol.asyncIterator]();
  await lazy.next();
  let readerLines = 0;
  const reading = (async () => {
    for (;;) {
      const r = await reader.next();
      if (r.done) return;
      for (const s of r.value.streams) readerLines += s.entries.length;
    }
  })().catch(() => undefined);
  // Batches of lines under the queue's bound, far more than the lazy client's buffers hold.
  const big = "x".repeat(4000);
  let sent = 0;
  for (let b = 0; b < 60; b++) {
    const now = BigInt(Date.now()) * 1_000_000n;
    const batch = Array.from({ length: MAX_QUEUED / 2 }, (_, i) =>
      record(i % 3 === 1 ? 0 : i, now + BigInt(i), `flood ${big}`),
    );
    const before = sent;
    sent += batch.filter((r) => r.labels.includes("web")).length;
    await publishLogs(batch);
    // Paced by the client that reads: under load this test process's own reading loop fell a
    // queue behind and was dropped too (the counter read 2). The lazy client reads nothing, so
    // its queue grows past its bound all the same.
    const deadline = Date.now() + 10_000;
    while (readerLines < before + 1 && Date.now() < deadline) await Bun.sleep(10);
  }
  await waitForAllAcked(nc);
  const metrics = await (await fetch(`${aggregator.url}/metrics`)).text();
  expect(metrics).toMatch(/^outpost_logs_tail_dropped_total 1$/m);
  let err: ConnectError | null = null;
  try {
    for (;;) if ((await lazy.next()).done) break;
  } catch (e) {
    err = ConnectError.from(e);
  }
  expect(err?.code).toBe(Code.ResourceExhausted);
  expect(err?.rawMessage).toContain("reads slower than lines arrive");
  // The client that read got every line of its stream.
  const deadline = Date.now() + 5000;
  while (readerLines < sent + 1 && Date.now() < deadline) await Bun.sleep(50);
  expect(readerLines).toBe(sent + 1);
  stop.abort();
  await reading;
}, 60_000);
