/**
 * The Connect query API's cost over the Prometheus API's (issue 21: overhead p99 ≤ 1 ms on
 * loopback): the same instant query, over the same engine and store, sent in turn through
 * Connect unary (binary and JSON) and through `/api/v1/query`, on one Bun.serve port as the
 * aggregator serves them. Latency is measured at the client, answer fully read.
 *
 *   bun bench/connect_query.ts [--quick]
 */
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Hono } from "hono";
import { mountConnect } from "../aggregator/api/connect/mount.ts";
import { queryService } from "../aggregator/api/connect/query_service.ts";
import { prometheusApi } from "../aggregator/api/http/prometheus.ts";
import { Engine } from "../aggregator/promql/engine/engine.ts";
import { MemoryStorage } from "../aggregator/storage/memory.ts";
import { QueryService } from "../proto/gen/outpost/query/v1/query_pb.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { report } from "./lib/pipeline.ts";

const quick = process.argv.includes("--quick");
const ITERATIONS = quick ? 500 : 3_000;
const SERIES = 50;
const NOW = 1_700_000_000_000;
const QUERY = "rate(bench_requests_total[5m])";

const store = new MemoryStorage();
for (let i = 0; i < SERIES; i++) {
  const samples: [number, number][] = [];
  for (let t = NOW - 3_600_000; t <= NOW; t += 15_000) samples.push([t, (t - NOW) / 100 + i]);
  store.append(labelsFromRecord({ __name__: "bench_requests_total", i: String(i) }), samples);
}
const engine = new Engine();
const app = new Hono();
app.route("/", prometheusApi({ engine, queryable: store, buildInfo: { version: "bench" } }));
mountConnect(app, [{ service: QueryService, impl: queryService({ engine, queryable: store }) }]);
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
const url = `http://127.0.0.1:${server.port}`;

const binary = createClient(
  QueryService,
  createConnectTransport({ baseUrl: url, useBinaryFormat: true }),
);
const json = createClient(QueryService, createConnectTransport({ baseUrl: url }));
const request = { query: QUERY, timeMs: BigInt(NOW) };
const httpUrl = `${url}/api/v1/query?query=${encodeURIComponent(QUERY)}&time=${NOW / 1000}`;

const paths: Record<string, () => Promise<unknown>> = {
  http: async () => (await fetch(httpUrl)).arrayBuffer(),
  connect_binary: () => binary.instant(request),
  connect_json: () => json.instant(request),
};

const times: Record<string, number[]> = { http: [], connect_binary: [], connect_json: [] };
// A warm-up round first, unreported; then the paths in turn, so drifts hit them alike.
for (let i = -100; i < ITERATIONS; i++) {
  for (const [name, call] of Object.entries(paths)) {
    const started = performance.now();
    await call();
    if (i >= 0) times[name].push(performance.now() - started);
  }
}
server.stop(true);

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
for (const [name, xs] of Object.entries(times)) {
  report(`connect_query_${name}_p50`, quantile(xs, 0.5), "ms");
  report(`connect_query_${name}_p99`, quantile(xs, 0.99), "ms");
}
for (const name of ["connect_binary", "connect_json"]) {
  const overhead = quantile(times[name], 0.99) - quantile(times.http, 0.99);
  report(`connect_query_${name}_overhead_p99`, overhead, "ms");
}
report("connect_query_series", SERIES, "series");
report("connect_query_iterations", ITERATIONS, "calls");
