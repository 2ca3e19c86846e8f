/**
 * JetStream → aggregator → Parquet, for the local directory and for S3 (s3rver): what the test
 * publishes is exactly what the bucket holds, a fresh aggregator on an empty disk serves it,
 * and broken batches are dead-lettered without disturbing the good ones around them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { compress } from "../../shared/codec/compress.ts";
import { formatSeries } from "../../shared/model/labels.ts";
import { type TestStorage, testAggregatorConfig } from "../harness/aggregator.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  syntheticValue,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startS3rver } from "../harness/s3.ts";
import { readStored } from "../harness/stored.ts";

const SERIES = 300;
const BATCHES = 12;
const STEPS = 4;
// Recent enough for the head (1 h retention) to hold it, and crossing an hour boundary now and then.
const T0 = Math.floor((Date.now() - 20 * 60_000) / 15_000) * 15_000;

/** Timestamps of batch b: STEPS scrapes 15 s apart, batches back to back. */
function stamps(b: number): number[] {
  return Array.from({ length: STEPS }, (_, k) => T0 + (b * STEPS + k) * 15_000);
}

for (const kind of ["dir", "s3"] as const) {
  describe(`an aggregator on ${kind} storage`, () => {
    let nats: NatsServerHandle;
    let nc: NatsConnection;
    let root: string;
    let storage: TestStorage;
    let stopS3: (() => Promise<void>) | undefined;
    let aggregator: Aggregator;
    const series = makeSeries(SERIES);

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "outpost-agg-"));
      nats = await startNatsServer();
      nc = await connectTo(nats.url);
      if (kind === "dir") storage = { type: "dir", path: join(root, "bucket") };
      else {
        const s3 = await startS3rver();
        stopS3 = s3.stop;
        storage = {
          type: "s3",
          endpoint: s3.endpoint,
          bucket: s3.bucket,
          cacheDir: join(root, "cache"),
        };
      }
      const { config } = await testAggregatorConfig({
        id: "a1",
        natsUrl: nats.url,
        dataDir: join(root, "a1"),
        storage,
        maxBatchBytes: "1MiB",
      });
      aggregator = new Aggregator(config);
      await aggregator.start();
    });

    afterAll(async () => {
      await aggregator?.stop();
      await nc?.close();
      await nats?.dispose();
      await stopS3?.();
      await rm(root, { recursive: true, force: true });
    });

    test("stores exactly the samples published, once each", async () => {
      for (let b = 0; b < BATCHES; b++) {
        await publishBatch(nc, syntheticBatch(series, stamps(b)), { msgId: `t-${b}` });
      }
      await waitForAllAcked(nc);
      const stored = await readStored(aggregator.config);
      expect(stored.rows).toBe(SERIES * BATCHES * STEPS);
      expect(stored.samples.size).toBe(SERIES);
      for (const i of [0, 7, SERIES - 1]) {
        const got = stored.samples.get(formatSeries(series[i].labels))!;
        expect(got.size).toBe(BATCHES * STEPS);
        for (const ts of [stamps(0)[0], stamps(BATCHES - 1)[STEPS - 1]]) {
          expect(got.get(ts)).toBe(syntheticValue(i, ts));
        }
      }
    });

    test("answers queries from the head and the files alike", async () => {
      const q = await aggregator.store.querier("default");
      try {
        const got = await q.select([{ name: "i", type: "=", value: "5" }], {
          start: T0,
          end: T0 + 3_600_000,
        });
        expect(got.length).toBe(1);
        expect(got[0].length).toBe(BATCHES * STEPS);
        expect(got[0].values[3]).toBe(syntheticValue(5, got[0].timestamps[3]));
      } finally {
        q.close();
      }
    });

    test("a fresh aggregator with an empty disk serves the data from the bucket", async () => {
      const { config } = await testAggregatorConfig({
        id: "fresh",
        natsUrl: nats.url,
        dataDir: join(root, "fresh"),
        storage:
          kind === "dir"
            ? storage
            : ({ ...storage, cacheDir: join(root, "fresh-cache") } as TestStorage),
      });
      const fresh = new Aggregator(config);
      await fresh.catalog.load();
      // Starting warms the query cache from the newest files: the query then decodes nothing.
      fresh.store.start();
      expect(await fresh.store.warming).toBeGreaterThan(0);
      const warmed = fresh.store.cacheStats()!;
      expect(warmed.bytes).toBeGreaterThan(0);
      const q = await fresh.store.querier("default");
      try {
        const got = await q.select([{ name: "__name__", type: "=", value: "test_metric" }], {
          start: T0,
          end: T0 + 3_600_000,
        });
        expect(got.length).toBe(SERIES);
        expect(got.reduce((n, s) => n + s.length, 0)).toBe(SERIES * BATCHES * STEPS);
        expect(fresh.store.cacheStats()!.misses).toBe(warmed.misses);
        expect(fresh.store.cacheStats()!.hits).toBeGreaterThan(warmed.hits);
      } finally {
        q.close();
        await fresh.store.stop();
      }
    });

    test("parks broken, unknown and oversized batches and stores the good ones around them", async () => {
      const before = (await readStored(aggregator.config)).rows;
      const good = (b: number) =>
        publishBatch(nc, syntheticBatch(series, stamps(100 + b)), { msgId: `g-${b}` });
      await good(0);
      // An lz4 size prefix claiming 16 bytes, then a block that is not LZ4.
      await publishBatch(nc, new Uint8Array([16, 0, 0, 0, 0xff, 0xff, 0xff]), {
        msgId: "broken-lz4",
      });
      await good(1);
      await publishBatch(nc, new Uint8Array([0x0a, 0xff, 0xff]), {
        codec: "none",
        msgId: "broken-proto",
      });
      await publishBatch(nc, syntheticBatch(series, stamps(0)), {
        schema: "outpost.ingest.v9.Batch",
        msgId: "v9",
      });
      // 2 MiB of zeros compress to a few KB: the aggregator's 1 MiB limit refuses them before
      // decompressing, by their size prefix.
      await publishBatch(nc, compress("lz4", new Uint8Array(2 * 1024 * 1024)), { msgId: "huge" });
      await good(2);
      await waitForAllAcked(nc);
      const after = await readStored(aggregator.config);
      expect(after.rows - before).toBe(3 * SERIES * STEPS);
      const jsm = await nc.jetstreamManager();
      const dead = await jsm.streams.info("OUTPOST_DEADLETTER");
      expect(dead.state.messages).toBe(4);
      const metrics = await (await fetch(`${aggregator.url}/metrics`)).text();
      // lz4 garbage may still "decompress" into bytes that then fail to decode.
      const codecOrDecode =
        /outpost_ingest_dead_lettered_batches_total\{reason="(codec|decode)"\} (\d+)/g;
      const parked = [...metrics.matchAll(codecOrDecode)].reduce((n, m) => n + Number(m[2]), 0);
      expect(parked).toBe(2);
      expect(metrics).toMatch(/outpost_ingest_dead_lettered_batches_total\{reason="schema"\} 1/);
      expect(metrics).toMatch(/outpost_ingest_dead_lettered_batches_total\{reason="size"\} 1/);
      // The query slots, idle now (this scrape is no query).
      expect(metrics).toContain('outpost_query_running{origin="user"} 0');
      expect(metrics).toContain('outpost_query_waiting{origin="rule"} 0');
    });
  });
}
