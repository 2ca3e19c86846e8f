import { expect, test } from "bun:test";
import { verifyChecksum } from "../../../shared/codec/checksum.ts";
import { decompress } from "../../../shared/codec/compress.ts";
import { decodeBatch } from "../../../shared/codec/decode.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { SampleBlock } from "../../../shared/model/block.ts";
import { Batcher } from "./batcher.ts";

function setup(maxSamples: number, maxBytes = 1 << 30, maxWaitMs = 60_000) {
  const batches: {
    msgId: string;
    subject: string;
    headers: Record<string, string>;
    payload: Uint8Array;
  }[] = [];
  const batcher = new Batcher({
    agentId: "a1",
    tenant: "t1",
    subjectPrefix: "outpost.ingest",
    maxSamples,
    maxBytes,
    maxWaitMs,
    codec: "lz4",
    store: {
      append: async (b) => void batches.push(b),
      has: (id) => batches.some((b) => b.msgId === id),
    },
    registry: new Registry(),
  });
  return { batcher, batches };
}

function block(n: number, seriesOffset = 0): SampleBlock {
  const b = new SampleBlock();
  for (let i = 0; i < n; i++) b.push({ labels: ["__name__", `m${i + seriesOffset}`] }, 1000, i);
  return b;
}

test("Batcher seals by sample count without ever passing max_samples, and loses nothing", async () => {
  const { batcher, batches } = setup(1000);
  batcher.consume(block(700));
  batcher.consume(block(2500, 700));
  await batcher.flush();
  const sizes = batches.map(
    (b) => decodeBatch(decompress("lz4", b.payload, 1 << 26)).samples.length,
  );
  expect(sizes).toEqual([1000, 1000, 1000, 200]);
  expect(batches.map((b) => b.msgId)).toEqual(
    batches.map((_, i) => expect.stringMatching(new RegExp(`^a1-\\d+-[0-9a-f]{16}-${i}$`))),
  );
  expect(batches[0].subject).toBe("outpost.ingest.t1.metrics.a1");
  expect(batches[0].headers).toEqual({
    "Outpost-Codec": "lz4",
    "Outpost-Schema": "outpost.ingest.v1.Batch",
    "Outpost-Checksum": expect.stringMatching(/^crc32=[0-9a-f]{8}$/),
  });
  // The checksum covers the uncompressed batch.
  for (const b of batches) {
    expect(() =>
      verifyChecksum(b.headers["Outpost-Checksum"], decompress("lz4", b.payload, 1 << 26)),
    ).not.toThrow();
  }
});

test("Batcher seals by size so a batch stays near max_bytes", async () => {
  const { batcher, batches } = setup(1_000_000, 64 * 1024);
  batcher.consume(block(50_000));
  await batcher.flush();
  expect(batches.length).toBeGreaterThan(5);
  let total = 0;
  for (const b of batches) {
    const raw = decompress("lz4", b.payload, 1 << 26);
    expect(raw.length).toBeLessThan(64 * 1024 * 2);
    total += decodeBatch(raw).samples.length;
  }
  expect(total).toBe(50_000);
});

test("Batcher seals a batch once it is max_wait old", async () => {
  const { batcher, batches } = setup(1_000_000, 1 << 30, 100);
  batcher.start();
  batcher.consume(block(3));
  await Bun.sleep(300);
  await batcher.stop();
  expect(batches).toHaveLength(1);
});

test("Batcher sends metadata once when new or changed, not with every batch", async () => {
  const { batcher, batches } = setup(1_000_000);
  const decode = (i: number) =>
    decodeBatch(decompress("lz4", batches[i].payload, 1 << 26)).metadata;
  const up = { name: "up", type: "gauge" as const, help: "Target is up.", unit: "" };
  batcher.consumeMetadata([up]);
  batcher.consume(block(2));
  await batcher.flush();
  batcher.consumeMetadata([up]);
  batcher.consume(block(2));
  await batcher.flush();
  batcher.consumeMetadata([{ ...up, help: "Changed." }]);
  batcher.consume(block(2));
  await batcher.flush();
  expect(decode(0)).toEqual([up]);
  expect(decode(1)).toEqual([]);
  expect(decode(2)).toEqual([{ ...up, help: "Changed." }]);
});
