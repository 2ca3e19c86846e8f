/**
 * The query service's deadlines and cancellation over Connect, on a store whose reads are slow
 * (the integration test covers answers on a real aggregator: test/integration/connect_query).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Hono } from "hono";
import { QueryService } from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { pollUntil } from "../../../test/harness/poll.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { MemoryStorage } from "../../storage/memory.ts";
import type { Queryable } from "../../storage/storage.ts";
import { mountConnect } from "./mount.ts";
import { queryService } from "./query_service.ts";

/** Selects begun so far, and a gate that selects wait on after their 300 ms while it is set. */
const reads: { started: number; gate: Promise<void> | null } = { started: 0, gate: null };

/** A store whose selects take 300 ms: queries on it outlive short timeouts. */
function slowStore(): Queryable {
  const inner = new MemoryStorage();
  inner.append(labelsFromRecord({ __name__: "up", job: "a" }), [[0, 1]]);
  return {
    async querier() {
      const q = await inner.querier();
      return {
        select: async (m, r) => {
          reads.started++;
          await Bun.sleep(300);
          if (reads.gate) await reads.gate;
          return q.select(m, r);
        },
        labelNames: (m, r) => q.labelNames(m, r),
        labelValues: (n, m, r) => q.labelValues(n, m, r),
        close: () => q.close(),
      };
    },
  };
}

const registry = new Registry();
let server: ReturnType<typeof Bun.serve>;
let url = "";

beforeAll(() => {
  const app = new Hono();
  const impl = queryService({ engine: new Engine(), queryable: slowStore() });
  mountConnect(app, [{ service: QueryService, impl }], registry);
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  url = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

/** Calls answered `canceled` so far. */
function canceled(): number {
  const line = /outpost_connect_requests_total\{[^}]*code="canceled"\} (\d+)/.exec(
    registry.render(),
  );
  return Number(line?.[1] ?? 0);
}

const INSTANT = "/outpost.query.v1.QueryService/Instant";

const post = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${url}${INSTANT}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

test("a query past the request's timeout_ms is deadline_exceeded with the engine's words", async () => {
  const client = createClient(QueryService, createConnectTransport({ baseUrl: url }));
  const started = performance.now();
  const err = await client
    .instant({ query: "up", timeMs: 0n, options: { timeoutMs: 50n } })
    .then(() => undefined, ConnectError.from);
  expect([err?.code, err?.rawMessage]).toEqual([
    Code.DeadlineExceeded,
    "query timed out in expression evaluation",
  ]);
  expect(performance.now() - started).toBeLessThan(250);
});

test("the call's Connect-Timeout-Ms bounds the query on the server", async () => {
  const res = await post({ query: "up", timeMs: "0" }, { "Connect-Timeout-Ms": "50" });
  const body = (await res.json()) as { code: string };
  expect(body.code).toBe("deadline_exceeded");
});

test("a client that goes away cancels its query, counted as canceled", async () => {
  const before = canceled();
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  reads.gate = gate;
  const started = reads.started;
  const gone = new AbortController();
  const call = fetch(`${url}${INSTANT}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "up", timeMs: "0" }),
    signal: gone.signal,
  }).catch(() => "aborted");
  try {
    await pollUntil(() => reads.started > started, "the server reading for the call");
    gone.abort();
    expect(await call).toBe("aborted");
    // Counted while the store's read is still held: the server answers the canceled call (to
    // nobody) without waiting for the read.
    await pollUntil(() => canceled() === before + 1, "the canceled call counted");
  } finally {
    reads.gate = null;
    open();
  }
});

test("a query within its timeout answers", async () => {
  const res = await post({ query: "up", timeMs: "0", options: { timeoutMs: "5000" } });
  expect(res.status).toBe(200);
});

test("a resolution that is not auto, raw, 1m or 5m is invalid_argument naming it", async () => {
  const res = await post({ query: "up", timeMs: "0", options: { resolution: "10s" } });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { message: string }).message).toBe(
    'invalid parameter "options.resolution": Cannot use resolution "10s": it is none of auto, raw, 1m, 5m, 1h',
  );
  const ok = await post({ query: "up", timeMs: "0", options: { resolution: "raw" } });
  expect(ok.status).toBe(200);
});

test("instant and range answers say where the server spent the call in Server-Timing", async () => {
  const range = await fetch(`${url}/outpost.query.v1.QueryService/Range`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "up", startMs: "0", endMs: "60000", stepMs: "15000" }),
  });
  for (const res of [await post({ query: "up", timeMs: "0" }), range]) {
    expect(res.status).toBe(200);
    const timing = res.headers.get("Server-Timing") ?? "";
    const phases = Object.fromEntries(
      timing.split(", ").map((p) => [p.split(";")[0], Number(p.split("dur=")[1])]),
    );
    expect(Object.keys(phases)).toEqual(["wait", "select", "eval", "encode", "total"]);
    // The store's select sleeps 300 ms: it shows under select, within the total.
    expect(phases.select).toBeGreaterThanOrEqual(250);
    expect(phases.total).toBeGreaterThanOrEqual(phases.select);
  }
});
