import { connect } from "nats";
import { decompress } from "../../shared/codec/compress.ts";
import { decodeBatch } from "../../shared/codec/decode.ts";
import { formatSeries, labelsToMap } from "../../shared/model/labels.ts";
import { isStaleAt, type MetricMetadata } from "../../shared/model/sample.ts";

/** One sample as a test sees it after the wire: series text, timestamp, value, staleness. */
export interface ReceivedSample {
  series: string;
  name: string;
  ts: number;
  value: number;
  stale: boolean;
}

/** One message of the ingest stream, decoded. */
export interface ReceivedBatch {
  seq: number;
  subject: string;
  msgId: string;
  payloadBytes: number;
  samples: ReceivedSample[];
  metadata: MetricMetadata[];
  logs: ReceivedLog[];
}

/** One log record as a test sees it after the wire. */
export interface ReceivedLog {
  stream: string;
  labels: Record<string, string>;
  timeNs: bigint;
  line: string;
}

/**
 * Reads every message of the stream (a test consumer), decompresses and decodes it with the
 * same codec the aggregator uses.
 */
export async function readStream(url: string, stream = "OUTPOST_INGEST"): Promise<ReceivedBatch[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream).catch(() => null);
    if (!info || info.state.messages === 0) return [];
    const out: ReceivedBatch[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!m) continue;
      const codec = m.header.get("Outpost-Codec") || "lz4";
      const decoded = decodeBatch(decompress(codec, m.data, 64 << 20));
      const samples: ReceivedSample[] = [];
      const s = decoded.samples;
      for (let i = 0; i < s.length; i++) {
        const labels = decoded.series[s.series[i]];
        samples.push({
          series: formatSeries(labels),
          name: labels[labels.indexOf("__name__") + 1] ?? "",
          ts: s.timestamps[i],
          value: s.values[i],
          stale: isStaleAt(s.valueWords, i),
        });
      }
      const logs: ReceivedLog[] = [];
      const l = decoded.logs;
      for (let i = 0; l && i < l.length; i++) {
        const labels = decoded.series[l.stream[i]];
        logs.push({
          stream: formatSeries(labels),
          labels: Object.fromEntries(labelsToMap(labels)),
          timeNs: l.timeNs[i],
          line: l.lines[i],
        });
      }
      out.push({
        logs,
        seq,
        subject: m.subject,
        msgId: m.header.get("Nats-Msg-Id"),
        payloadBytes: m.data.length,
        samples,
        metadata: decoded.metadata,
      });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** Polls `readStream` until `done` holds for what arrived, or fails after `timeoutMs`. */
export async function waitForStream(
  url: string,
  done: (batches: ReceivedBatch[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedBatch[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batches = await readStream(url);
    if (done(batches)) return batches;
    if (Date.now() > deadline)
      throw new Error(
        `stream condition not met within ${timeoutMs} ms (${batches.length} batches)`,
      );
    await Bun.sleep(250);
  }
}
