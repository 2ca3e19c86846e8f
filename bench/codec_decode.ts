/**
 * The aggregator's per-batch decoding cost: decompression (lz4 and zstd, bounded by the batch
 * limit) in MB/s of decompressed output, the checksum of the uncompressed batch in µs per MB,
 * and, for scale, the protobuf decode that follows. Batches are the synthetic 10,000-series
 * target, one scrape (~150 KB) and twelve (~760 KB, near the agent's 960 KiB cap) per batch.
 *
 *   bun bench/codec_decode.ts
 */
import { compress, decompress } from "../shared/codec/compress.ts";
import { decodeBatch } from "../shared/codec/decode.ts";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { SampleBlock } from "../shared/model/block.ts";
import { makeSeries, syntheticValue } from "../test/harness/ingest.ts";
import { cpuMs } from "./lib/per_call.ts";
import { report } from "./lib/pipeline.ts";

const LIMIT = 64 << 20;
const series = makeSeries(10_000, "bench_metric", "node");

function rawBatch(scrapes: number): Uint8Array {
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  for (let k = 0; k < scrapes; k++) {
    const ts = 1_700_000_000_000 + k * 15_000;
    block.clear();
    for (let i = 0; i < series.length; i++) block.push(series[i], ts, syntheticValue(i, ts) * 1.5);
    enc.addBlock(block);
  }
  return enc.finish();
}

/** Median CPU ms per call of `fn` over five windows after a warm-up. */
function msPerCall(fn: () => unknown, windowMs = 1500): number {
  const until = performance.now() + windowMs / 3;
  while (performance.now() < until) fn();
  const windows: number[] = [];
  for (let w = 0; w < 5; w++) {
    let calls = 0;
    const began = cpuMs();
    const end = performance.now() + windowMs / 5;
    while (performance.now() < end) {
      fn();
      calls++;
    }
    windows.push((cpuMs() - began) / calls);
  }
  return windows.sort((a, b) => a - b)[2];
}

for (const scrapes of [1, 12]) {
  const raw = rawBatch(scrapes);
  const mb = raw.length / 1e6;
  report(`codec_batch_${scrapes}scrape_bytes`, raw.length, "bytes");
  for (const codec of ["lz4", "zstd"] as const) {
    const packed = compress(codec, raw);
    const ms = msPerCall(() => decompress(codec, packed, LIMIT));
    report(`codec_decode_${codec}_${scrapes}scrape`, mb / (ms / 1000), "MB/s");
  }
  // What follows decompression for every batch, for scale.
  const decodeMs = msPerCall(() => decodeBatch(raw));
  report(`codec_decode_protobuf_${scrapes}scrape`, mb / (decodeMs / 1000), "MB/s");
  const crcMs = msPerCall(() => Bun.hash.crc32(raw));
  report(`codec_crc32_${scrapes}scrape`, (crcMs * 1000) / mb, "µs/MB");
}
