/**
 * Tail latency (issue 21: a line ingested by the aggregator reaches a streaming client within
 * 1 s p95). A real nats-server and an in-process aggregator; lines are published at a steady
 * rate straight to JetStream, each carrying its publish time, while two clients follow the
 * same query: the Connect `Tail` and Loki's WebSocket `tail`, both pushed from the ingest
 * path, and as the reference the WebSocket tail as it was before, polling storage every
 * 500 ms (the Loki API served without the tail registry, over the same store). Latency is
 * publish → client, in ms. With `--two`, a second aggregator shares the durable consumer and
 * stores about half the lines; the pushed tails on the first must still get every line
 * (they follow the stream, not their own aggregator's appends), while the polling reference
 * sees only what the first stored.
 *
 *   bun bench/logs_tail.ts [--quick] [--two]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { lokiApi, lokiWebSocket } from "../aggregator/api/http/loki/loki.ts";
import { LogsService } from "../proto/gen/outpost/logs/v1/logs_pb.ts";
import { compress } from "../shared/codec/compress.ts";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { startInProcessAggregator } from "../test/harness/aggregator.ts";
import { connectTo, publishBatch } from "../test/harness/ingest.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { report } from "./lib/pipeline.ts";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 5 : 20;
/** Batches a second, and lines in each: an agent's 200 ms batch window, five agents. */
const BATCHES_PER_SECOND = 25;
const LINES_PER_BATCH = 20;
const QUERY = '{app="bench"} |= "tailme"';

const dir = mkdtempSync(join(tmpdir(), "outpost-bench-tail-"));
const nats = await startNatsServer();
const aggregator = await startInProcessAggregator(dir, nats.url, "");
const second = process.argv.includes("--two")
  ? await startInProcessAggregator(dir, nats.url, "", "agg2")
  : null;
const nc = await connectTo(nats.url);
const labels = labelsFromRecord({ app: "bench", level: "info" });

const latencies: Record<string, number[]> = { connect: [], websocket: [], websocket_poll: [] };
const sentAt = (line: string) => Number(line.slice(line.indexOf("sent=") + 5));

// Connect Tail.
const abort = new AbortController();
const client = createClient(LogsService, createConnectTransport({ baseUrl: aggregator.url }));
const connectDone = (async () => {
  for await (const m of client.tail({ query: QUERY }, { signal: abort.signal })) {
    const now = Date.now();
    for (const s of m.streams)
      for (const e of s.entries) latencies.connect.push(now - sentAt(e.line));
  }
})().catch(() => undefined);

// Loki's WebSocket tail, pushed; and polling, from a Loki API without the tail registry.
const polling = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: lokiApi({ logs: (tenant) => aggregator.logs.queryable(tenant) }).fetch,
  websocket: lokiWebSocket,
});
const sockets = [
  wsTail(aggregator.url, latencies.websocket),
  wsTail(`http://127.0.0.1:${polling.port}`, latencies.websocket_poll),
];
await Promise.all(
  sockets.map(
    (ws) => new Promise((resolve) => ws.addEventListener("open", resolve, { once: true })),
  ),
);
await Bun.sleep(1000);

let published = 0;
const interval = 1000 / BATCHES_PER_SECOND;
const started = performance.now();
for (let b = 0; b < SECONDS * BATCHES_PER_SECOND; b++) {
  const due = started + b * interval;
  await Bun.sleep(Math.max(0, due - performance.now()));
  const enc = new BatchEncoder();
  const now = Date.now();
  for (let i = 0; i < LINES_PER_BATCH; i++) {
    const line = `level=info msg="tailme" n=${published++} sent=${now}`;
    enc.addLog({ timeNs: BigInt(now) * 1_000_000n + BigInt(i), labels, line, fields: [] });
  }
  await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs", agent: `a${b % 5}` });
}
await Bun.sleep(2000);
abort.abort();
for (const ws of sockets) ws.close();
polling.stop(true);
await connectDone;
await nc.close();
await aggregator.stop();
await second?.stop();
await nats.stop();
rmSync(dir, { recursive: true, force: true });

/** A WebSocket tail of QUERY at `base`, recording latencies into `into`. */
function wsTail(base: string, into: number[]): WebSocket {
  const ws = new WebSocket(
    `${base.replace("http", "ws")}/loki/api/v1/tail?query=${encodeURIComponent(QUERY)}`,
  );
  ws.onmessage = (e) => {
    const now = Date.now();
    const frame = JSON.parse(String(e.data)) as { streams: { values: [string, string][] }[] };
    for (const s of frame.streams) for (const v of s.values) into.push(now - sentAt(v[1]));
  };
  return ws;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
for (const [name, xs] of Object.entries(latencies)) {
  for (const q of [0.5, 0.95, 0.99]) report(`logs_tail_${name}_p${q * 100}`, quantile(xs, q), "ms");
  report(`logs_tail_${name}_lines`, xs.length, "lines");
}
report("logs_tail_published_lines", published, "lines");
if (second) report("logs_tail_second_aggregator_stored_lines", storedBy(second), "lines");
report("logs_tail_rate", BATCHES_PER_SECOND * LINES_PER_BATCH, "lines/s");

/** Log records `agg` stored, from its own metrics. */
function storedBy(agg: typeof aggregator): number {
  return Number(agg.registry.render().match(/^outpost_logs_ingested_records_total (\d+)$/m)?.[1]);
}
