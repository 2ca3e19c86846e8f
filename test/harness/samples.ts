/**
 * Series with chosen values for UI and API tests: encoded as an agent encodes a batch and
 * published to JetStream, so they reach the aggregator through the real ingest path.
 */
import type { NatsConnection } from "nats";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { publishBatch } from "./ingest.ts";

/** One series: its labels (with `__name__`) and its [time ms, value] points. */
export interface SeriesPoints {
  readonly labels: Record<string, string>;
  readonly points: readonly (readonly [number, number])[];
}

/** Publishes the series as one batch of `tenant` and resolves once JetStream has it. */
export async function publishSeries(
  nc: NatsConnection,
  series: readonly SeriesPoints[],
  opts: { tenant?: string; msgId?: string } = {},
): Promise<void> {
  const enc = new BatchEncoder();
  for (const s of series) {
    const one = { labels: labelsFromRecord(s.labels) };
    const block = new SampleBlock(s.points.length);
    for (const [t, v] of s.points) block.push(one, t, v);
    enc.addBlock(block);
  }
  await publishBatch(nc, compress("lz4", enc.finish()), opts);
}

/** Points every `stepMs` from `startMs` up to `endMs`, valued by `value(i)`. */
export function pointsEvery(
  startMs: number,
  endMs: number,
  stepMs: number,
  value: (i: number) => number,
): [number, number][] {
  const out: [number, number][] = [];
  for (let t = startMs, i = 0; t <= endMs; t += stepMs, i++) out.push([t, value(i)]);
  return out;
}

/** Publishes log records as one logs batch of `tenant`. */
export async function publishLogs(
  nc: NatsConnection,
  records: readonly LogRecord[],
  opts: { tenant?: string } = {},
): Promise<void> {
  const enc = new BatchEncoder();
  for (const r of records) enc.addLog(r);
  await publishBatch(nc, compress("lz4", enc.finish()), { ...opts, signal: "logs" });
}
