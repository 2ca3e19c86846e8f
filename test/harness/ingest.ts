/**
 * Synthetic ingest for aggregator tests and benchmarks: batches of known samples encoded as an
 * agent would, published straight to JetStream, and a wait for the aggregators to acknowledge
 * them all.
 */
import { connect, headers, type NatsConnection } from "nats";
import { CHECKSUM_HEADER } from "../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  compress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { Series } from "../../shared/model/series.ts";

/** A set of synthetic series: `test_metric{i="<n>",job="<job>"}`. */
export function makeSeries(count: number, metric = "test_metric", job = "synthetic"): Series[] {
  return Array.from({ length: count }, (_, i) => ({
    labels: labelsFromRecord({ __name__: metric, i: String(i), job }),
  }));
}

/** The value a synthetic series has at a timestamp: a counter that grows with both. */
export function syntheticValue(seriesIndex: number, timestampMs: number): number {
  return seriesIndex * 1000 + (Math.floor(timestampMs / 1000) % 100_000);
}

/** Encodes one batch holding every series at every timestamp; returns the lz4 payload. */
export function syntheticBatch(series: Series[], timestamps: number[]): Uint8Array {
  return compress("lz4", syntheticRaw(series, timestamps));
}

/** The same batch as `syntheticBatch`, uncompressed. */
export function syntheticRaw(series: Series[], timestamps: number[]): Uint8Array {
  const enc = new BatchEncoder();
  const block = new SampleBlock(series.length);
  for (const ts of timestamps) {
    block.clear();
    for (let i = 0; i < series.length; i++) block.push(series[i], ts, syntheticValue(i, ts));
    enc.addBlock(block);
  }
  return enc.finish();
}

/** Publishes a payload as an agent would; resolves with its stream sequence. */
export async function publishBatch(
  nc: NatsConnection,
  payload: Uint8Array,
  opts: {
    tenant?: string;
    agent?: string;
    msgId?: string;
    codec?: string;
    schema?: string;
    signal?: "metrics" | "logs";
    /** The `Outpost-Checksum` value; none by default, as an agent older than checksums. */
    checksum?: string;
    /** How long to wait for the stream's ack, in ms (nats.js: 5 s). */
    timeout?: number;
  } = {},
): Promise<number> {
  const h = headers();
  h.set(CODEC_HEADER, opts.codec ?? "lz4");
  h.set(SCHEMA_HEADER, opts.schema ?? SCHEMA_INGEST_V1);
  if (opts.checksum !== undefined) h.set(CHECKSUM_HEADER, opts.checksum);
  const subject = `outpost.ingest.${opts.tenant ?? "default"}.${opts.signal ?? "metrics"}.${opts.agent ?? "test"}`;
  const ack = await nc.jetstream().publish(subject, payload, {
    headers: h,
    msgID: opts.msgId,
    ...(opts.timeout ? { timeout: opts.timeout } : {}),
  });
  return ack.seq;
}

/** Connects a plain client to a test nats-server. */
export function connectTo(url: string): Promise<NatsConnection> {
  return connect({ servers: url });
}

/**
 * Waits until the aggregators' consumer has delivered and acknowledged every batch that was in
 * the stream when the wait began (the data is then in committed Parquet files). Batches
 * published during the wait are not waited for: an aggregator that evaluates rules publishes
 * their output every interval, so under load there may never be a moment with nothing
 * unacknowledged (tenant_isolation's setup timed out so, "0 pending, 2 unacked").
 */
export async function waitForAllAcked(
  nc: NatsConnection,
  timeoutMs = 30_000,
  stream = "OUTPOST_INGEST",
  consumer = "outpost-aggregator",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastState = "";
  /** The stream's last sequence when the wait began: the ack floor must reach it. */
  let target: number | null = null;
  for (;;) {
    try {
      // A fresh client each round: one made before the stream existed kept failing under load.
      const jsm = await nc.jetstreamManager();
      target ??= (await jsm.streams.info(stream)).state.last_seq;
      const info = await jsm.consumers.info(stream, consumer);
      // The ack floor is the last sequence below which every batch is acknowledged.
      if (info.ack_floor.stream_seq >= target) return;
      lastState = `${info.num_pending} pending, ${info.num_ack_pending} unacked, waiting for ${target}`;
      if (Date.now() > deadline) {
        // Which batches wait (their subjects name tenant and signal): what a flake needs.
        const waiting: string[] = [];
        for (let seq = info.ack_floor.stream_seq + 1; seq <= info.delivered.stream_seq; seq++) {
          const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
          if (m && waiting.length < 10) waiting.push(`${seq} ${m.subject}`);
        }
        lastState += `; delivered up to ${info.delivered.stream_seq}, acked up to ${info.ack_floor.stream_seq}, redelivered ${info.num_redelivered}; after the ack floor: ${waiting.join(", ") || "none"}`;
      }
    } catch (e) {
      // The stream or the consumer may not exist yet.
      lastState = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline)
      throw new Error(
        `Cannot wait for the aggregators to ack every batch: timed out (last: ${lastState})`,
      );
    await Bun.sleep(100);
  }
}
