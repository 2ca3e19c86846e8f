/**
 * Where alert history's per-record cost goes in the writer's process, and what batching saves:
 * 11,000 notifier state records (the notifier bench's count) through each part alone — making
 * the record's line and id, encoding and compressing it as its own message — and then through
 * the whole writer into a real nats-server's JetStream, one message per record
 * (`batch_size: 1`) against the default batches. CPU is this process's (and nats-server's
 * apart); the aggregator's ingest of the messages coming back is not in it (see
 * bench/notifier_vs_alertmanager.ts for the whole process).
 *
 *   bun bench/history_writer.ts
 */
import { LogBatchPublisher } from "../aggregator/ingest/publish_logs.ts";
import { type Batching, DEFAULT_BATCHING, UNBATCHED } from "../aggregator/notify/history/batch.ts";
import {
  historyRecordId,
  type StateRecord,
  toLogRecord,
} from "../aggregator/notify/history/record.ts";
import { HistoryWriter } from "../aggregator/notify/history/writer.ts";
import { compress } from "../shared/codec/compress.ts";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { connectJetStream } from "../test/harness/jetstream.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { report } from "./lib/pipeline.ts";
import { childPidWithArg, cpuSeconds } from "./lib/proc.ts";

const N = 11_000;

function record(i: number, run: number): StateRecord {
  const labels = { alertname: "BenchAlert", group: String(i % 1000), instance: String(i % 10) };
  return {
    kind: "state",
    time: 1_700_000_000_000 + run * 1e7 + i,
    state: "firing",
    source: "notifier",
    alertname: "BenchAlert",
    fingerprint: `fp${run}-${i}`,
    labels,
    annotations: { summary: `instance ${i % 10} of group ${i % 1000} is down` },
    startsAt: 1_700_000_000_000,
  };
}

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** µs of this process's CPU per record for `f` over every record. */
function perRecord(name: string, f: (r: StateRecord) => void): void {
  const rs = Array.from({ length: N }, (_, i) => record(i, 0));
  const c0 = ownCpu();
  for (const r of rs) f(r);
  report(`history_${name}_per_record`, ((ownCpu() - c0) / N) * 1e6, "us");
}

perRecord("line_and_id", (r) => toLogRecord(r, historyRecordId(r)));
perRecord("encode_compress_one_message", (r) => {
  const e = new BatchEncoder();
  e.addLog(toLogRecord(r));
  compress("zstd", e.finish(), 3);
});

const BENCH_KEY = new Uint8Array(32);
const nats = await startNatsServer();
const natsPid = childPidWithArg(nats.storeDir);
const { js, close } = await connectJetStream(nats.url, "outpost");
try {
  const runs: [string, Batching][] = [
    ["unbatched", UNBATCHED],
    ["batched", DEFAULT_BATCHING],
  ];
  for (const [run, [name, batching]] of runs.entries()) {
    const w = new HistoryWriter(
      // Any key: the writer's cost, not the aggregators' shared key, is measured.
      new LogBatchPublisher(
        () => js,
        "outpost",
        async () => BENCH_KEY,
      ),
      "default",
      new Registry(),
      batching,
    );
    const c0 = ownCpu();
    const n0 = natsPid === null ? 0 : cpuSeconds(natsPid);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) w.record(record(i, run + 1));
    await w.drained();
    const wall = (performance.now() - t0) / 1000;
    report(`history_writer_${name}_cpu_per_record`, ((ownCpu() - c0) / N) * 1e6, "us");
    if (natsPid !== null)
      report(`history_nats_${name}_cpu_per_record`, ((cpuSeconds(natsPid) - n0) / N) * 1e6, "us");
    report(`history_writer_${name}_wall`, wall, "s");
  }
} finally {
  await close();
  await nats.dispose();
}
