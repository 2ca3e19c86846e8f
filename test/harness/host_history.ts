/**
 * History for a host-metrics stack: a real agent collects only while a test or bench runs, so
 * a "24 h" dashboard would show seconds of data. This takes every series the agent wrote under
 * a job and publishes a synthetic past for each, at the agent's interval, over the span before
 * the agent started: counters (`…_total`) climb to their current value at a steady rate,
 * gauges wave ±10 % around theirs (with a per-series phase), so rates, ratios and `up` look as
 * a host's do.
 */

import type { NatsConnection } from "nats";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { Series } from "../../shared/model/series.ts";
import { connectTo, publishBatch, waitForAllAcked } from "./ingest.ts";

/** What to backfill. */
export interface HistoryOptions {
  /** The aggregator's HTTP base URL (the series are read from its Prometheus API). */
  aggregatorUrl: string;
  natsUrl: string;
  /** A selector for the series to copy, e.g. `{job="node"}`. */
  selector: string;
  /** The last synthetic sample is before this (the agent's first collection), in ms. */
  endMs: number;
  spanMs: number;
  intervalMs: number;
}

interface Current {
  series: Series;
  value: number;
  counter: boolean;
  phase: number;
}

/** Every series matching the selector with its value now; throws when there is none. */
async function currentSeries(o: HistoryOptions): Promise<Current[]> {
  const url = `${o.aggregatorUrl}/api/v1/query?query=${encodeURIComponent(o.selector)}`;
  const body = (await (await fetch(url)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  const found = body.data.result.map((r, i) => ({
    series: { labels: labelsFromRecord(r.metric) },
    value: Number(r.value[1]),
    counter: /_total$/.test(r.metric.__name__ ?? ""),
    phase: (i * 2.399) % (2 * Math.PI),
  }));
  if (found.length === 0) throw new Error(`Cannot backfill history: no series match ${o.selector}`);
  return found;
}

/** The synthetic value of a series at `t`, `age` ms before the end of the history. */
function valueAt(c: Current, t: number, age: number, spanMs: number): number {
  if (!Number.isFinite(c.value)) return c.value;
  if (c.counter) return Math.max(0, c.value * (1 - age / spanMs) * 0.999);
  if (c.value === 0 || c.value === 1) return c.value; // flags and up stay as they are
  return c.value * (1 + 0.1 * Math.sin((2 * Math.PI * t) / 3_600_000 + c.phase));
}

/**
 * Publishes one message, again after a timeout: on a loaded machine nats-server can miss
 * nats.js's ack deadline, and the msgId makes a second copy a duplicate the stream drops.
 */
async function publishRetrying(nc: NatsConnection, payload: Uint8Array, msgId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishBatch(nc, payload, { agent: "history", msgId, timeout: 20_000 });
    } catch (err) {
      if (attempt >= 5) throw new Error(`Cannot publish history batch ${msgId}: ${err}`);
    }
  }
}

/** Publishes the history (ten minutes per message) and waits until the aggregator holds it. */
export async function backfillHostHistory(
  o: HistoryOptions,
): Promise<{ series: number; samples: number }> {
  const current = await currentSeries(o);
  const nc = await connectTo(o.natsUrl);
  const first = Math.floor((o.endMs - o.spanMs) / o.intervalMs) * o.intervalMs;
  // ~10 minutes a message keeps each well under nats-server's 1 MB payload limit.
  const perBatch = Math.max(1, Math.floor(600_000 / o.intervalMs));
  const block = new SampleBlock(current.length);
  let samples = 0;
  try {
    for (let start = first, n = 0; start < o.endMs; start += perBatch * o.intervalMs, n++) {
      const enc = new BatchEncoder();
      for (
        let t = start;
        t < Math.min(o.endMs, start + perBatch * o.intervalMs);
        t += o.intervalMs
      ) {
        block.clear();
        for (const c of current) block.push(c.series, t, valueAt(c, t, o.endMs - t, o.spanMs));
        enc.addBlock(block);
        samples += current.length;
      }
      await publishRetrying(nc, compress("lz4", enc.finish()), `history-${n}`);
    }
    await waitForAllAcked(nc, 600_000);
  } finally {
    await nc.close();
  }
  return { series: current.length, samples };
}
