/**
 * The aggregator's log ingest, NATS → committed Parquet: log batches as agents send them
 * (~200-byte lines, 50 streams, zstd level 6, ~4,700 lines per batch) are published first;
 * then an aggregator process starts and the clock runs until JetStream has every batch
 * acknowledged, which happens only after the Parquet file holding it is committed.
 * Goal ≥ 200 k lines/s.
 *
 *   bun bench/logs_ingest.ts [--lines 2000000]
 */
import { parseArgs } from "node:util";
import { compress } from "../shared/codec/compress.ts";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { startAggregatorProcess } from "../test/harness/aggregator.ts";
import { publishBatch, waitForAllAcked } from "../test/harness/ingest.ts";
import { setUpAggregatorBench } from "./lib/aggregator_bench.ts";
import { LineGenerator } from "./lib/log_lines.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: { lines: { type: "string", default: "2000000" } },
  strict: false,
});
const LINES = Number(flags.lines);
const PER_BATCH = 4_700;
const STREAMS = Array.from({ length: 50 }, (_, i) =>
  labelsFromRecord({
    job: `app${i % 10}`,
    host: `web-${i}`,
    filename: `/var/log/app${i % 10}.log`,
  }),
);

const teardown = new Teardown();
try {
  const { nc, config: c } = await setUpAggregatorBench(teardown, {
    id: "logbench",
    flushInterval: "5s",
    ackWait: "2m",
  });
  // A first start creates the stream and the consumer; the clock runs on the second one.
  await (await startAggregatorProcess(c.path, c.config)).stop();
  progress(`publishing ${LINES} lines`);
  const gen = new LineGenerator(3);
  const enc = new BatchEncoder();
  const t0 = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  let bytes = 0;
  for (let i = 0, b = 0; i < LINES; b++) {
    const n = Math.min(PER_BATCH, LINES - i);
    for (let k = 0; k < n; k++, i++) {
      const t = t0 + BigInt(i) * 1_000_000n;
      enc.addLog({
        timeNs: t,
        labels: STREAMS[i % STREAMS.length],
        line: gen.line(Number(t / 1_000_000n)),
        fields: [],
      });
    }
    const payload = compress("zstd", enc.finish(), 6);
    bytes += payload.length;
    await publishBatch(nc, payload, { signal: "logs", codec: "zstd", msgId: `l-${b}` });
  }
  progress(`ingesting (${(bytes / LINES).toFixed(1)} wire bytes per line)`);
  const agg = await startAggregatorProcess(c.path, c.config);
  teardown.defer("the aggregator", () => agg.kill());
  const cpu0 = cpuSeconds(agg.proc.pid);
  const started = performance.now();
  await waitForAllAcked(nc, 600_000);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(agg.proc.pid) - cpu0;
  report("logs_ingest_lines_per_s", Math.round(LINES / seconds), "lines/s");
  report("logs_ingest_lines_per_cpu_s", Math.round(LINES / cpu), "lines/cpu-s");
  await agg.stop();
} finally {
  await teardown.run();
}
