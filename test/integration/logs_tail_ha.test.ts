/**
 * Tails across aggregators: two aggregators share the durable consumer, so each stores only
 * part of the stream; a tail on one must still receive every line, whichever stored it. Real
 * nats-server, two in-process aggregators, lines published as agents publish them.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { LogsService } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { connectTo, publishBatch } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const BATCHES = 40;
const LINES_PER_BATCH = 5;
const STREAM = "OUTPOST_INGEST";

let dir: string;
let nats: NatsServerHandle;
let nc: NatsConnection;
let a: Aggregator;
let b: Aggregator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-tail-ha-"));
  nats = await startNatsServer();
  a = await startInProcessAggregator(dir, nats.url, "", "a");
  b = await startInProcessAggregator(dir, nats.url, "", "b");
  nc = await connectTo(nats.url);
});

afterAll(async () => {
  await nc?.close();
  await a?.stop();
  await b?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes `n` log batches of `tenant`, a few ms apart so both aggregators pull some. */
async function publishLines(tenant: string, marker: string): Promise<string[]> {
  const labels = labelsFromRecord({ app: "ha" });
  const sent: string[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const enc = new BatchEncoder();
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    for (let j = 0; j < LINES_PER_BATCH; j++) {
      const line = `${marker} batch=${i} line=${j}`;
      enc.addLog({ timeNs: nowNs + BigInt(j), labels, line, fields: [] });
      sent.push(line);
    }
    await publishBatch(nc, compress("lz4", enc.finish()), {
      tenant,
      signal: "logs",
      agent: `agent${i % 4}`,
    });
    await Bun.sleep(5);
  }
  return sent;
}

/** Log records each aggregator stored, from its own metrics. */
function ingested(agg: Aggregator): number {
  const m = agg.registry.render().match(/^outpost_logs_ingested_records_total (\d+)$/m);
  return Number(m?.[1] ?? 0);
}

async function consumerCount(): Promise<number> {
  const jsm = await nc.jetstreamManager();
  return (await jsm.streams.info(STREAM)).state.consumer_count;
}

test("a tail on one aggregator receives every line, whichever aggregator stored it", async () => {
  const durableOnly = await consumerCount();
  const marker = `ha-${crypto.randomUUID()}`;
  const client = createClient(LogsService, createConnectTransport({ baseUrl: a.url }));
  const stop = new AbortController();
  const received: string[] = [];
  const stream = client.tail({ query: `{app="ha"} |= "${marker}"` }, { signal: stop.signal });
  const iterator = stream[Symbol.asyncIterator]();
  // The first answer (the empty history) comes once the tail follows the stream.
  const reading = (async () => {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      for (const s of r.value.streams) for (const e of s.entries) received.push(e.line);
      if (received.length >= BATCHES * LINES_PER_BATCH) return;
    }
  })().catch(() => undefined);
  const deadline = Date.now() + 10_000;
  while (a.tails.size === 0 && Date.now() < deadline) await Bun.sleep(20);
  await a.tails.following();
  expect(await consumerCount()).toBe(durableOnly + 1);

  const before = [ingested(a), ingested(b)];
  // Another tenant's lines with the same marker must not reach a default-tenant tail.
  const [sent] = await Promise.all([
    publishLines("default", marker),
    publishLines("other", marker),
  ]);
  await Promise.race([reading, Bun.sleep(10_000)]);
  stop.abort();

  const stored = [ingested(a) - before[0], ingested(b) - before[1]];
  // Both stored part of it, or the test would not show anything about the other's lines.
  expect(stored[0]).toBeGreaterThan(0);
  expect(stored[1]).toBeGreaterThan(0);
  expect(received.toSorted()).toEqual(sent.toSorted());

  // The ordered consumer goes once the last tail closes.
  while (
    (a.tails.size > 0 || (await consumerCount()) > durableOnly) &&
    Date.now() < deadline + 10_000
  )
    await Bun.sleep(50);
  expect(await consumerCount()).toBe(durableOnly);
}, 40_000);
