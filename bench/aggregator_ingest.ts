/**
 * The aggregator's ingest, NATS → committed Parquet, and its memory per head series. Batches of
 * agent-shaped data (10,000 series per batch, 10 scrapes each, lz4) are published first; then
 * an aggregator process starts and the clock runs until JetStream has every batch acknowledged
 * — which the aggregator does only after the Parquet file holding it is committed. Memory is
 * the aggregator's RSS with all series in the head, minus its RSS after a one-series warm-up.
 *
 *   bun bench/aggregator_ingest.ts [--series 50000] [--scrapes 200]
 *   bun bench/aggregator_ingest.ts --quick      10,000 series × 100 scrapes
 *   … --limits   with per-tenant limits set (high enough never to refuse), to price their checks
 */
import { parseArgs } from "node:util";
import { checksumOf } from "../shared/codec/checksum.ts";
import { compress } from "../shared/codec/compress.ts";
import { startAggregatorProcess } from "../test/harness/aggregator.ts";
import { makeSeries, publishBatch, syntheticRaw, waitForAllAcked } from "../test/harness/ingest.ts";
import { oneSeriesRss, setUpAggregatorBench } from "./lib/aggregator_bench.ts";
import { report } from "./lib/pipeline.ts";
import { cpuSeconds, rssBytes } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    scrapes: { type: "string" },
    limits: { type: "boolean", default: false },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? (flags.quick ? 10_000 : 50_000));
const SCRAPES = Number(flags.scrapes ?? (flags.quick ? 100 : 200));
const PER_BATCH_SERIES = 10_000;
const PER_BATCH_SCRAPES = 10;
const STEP_MS = 15_000;

const teardown = new Teardown();
try {
  const { nc, config: c } = await setUpAggregatorBench(teardown, {
    id: "bench",
    flushInterval: "2s",
    ackWait: "2m",
  });

  if (flags.limits) {
    const limits =
      "limits:\n  defaults:\n    max_active_series: 100000000\n    ingest_samples_per_second: 1000000000\n";
    await Bun.write(c.path, `${await Bun.file(c.path).text()}${limits}`);
  }
  progress("aggregator warm-up: one series");
  let agg = await startAggregatorProcess(c.path, c.config);
  const emptyRss = await oneSeriesRss(nc, agg);
  await agg.stop();

  // Scrapes end now, so the head (1 h retention) keeps them all.
  const t0 = Math.floor((Date.now() - SCRAPES * STEP_MS) / STEP_MS) * STEP_MS;
  progress(`publishing ${SERIES} series × ${SCRAPES} scrapes`);
  let samples = 0;
  for (let s0 = 0; s0 < SCRAPES; s0 += PER_BATCH_SCRAPES) {
    const stamps = Array.from(
      { length: Math.min(PER_BATCH_SCRAPES, SCRAPES - s0) },
      (_, k) => t0 + (s0 + k) * STEP_MS,
    );
    for (let i0 = 0; i0 < SERIES; i0 += PER_BATCH_SERIES) {
      const series = makeSeries(
        Math.min(PER_BATCH_SERIES, SERIES - i0),
        "bench_metric",
        `chunk${i0}`,
      );
      // Checksummed, as agents send them: the figure includes verifying the CRC.
      const raw = syntheticRaw(series, stamps);
      await publishBatch(nc, compress("lz4", raw), {
        msgId: `b-${s0}-${i0}`,
        checksum: checksumOf(raw),
      });
      samples += series.length * stamps.length;
    }
  }

  progress(`ingesting ${samples} samples`);
  agg = await startAggregatorProcess(c.path, c.config);
  teardown.defer("the aggregator", () => agg.kill());
  const cpu0 = cpuSeconds(agg.proc.pid);
  const started = performance.now();
  const poll = setInterval(async () => {
    if (!process.env.BENCH_TRACE) return;
    const m = await (await fetch(`${agg.url}/metrics`)).text();
    const pick = (n: string) =>
      /^(\S+) (\S+)$/m.exec(
        m
          .split("\n")
          .filter((l) => l.startsWith(n))
          .join("\n"),
      )?.[2];
    progress(
      `batches ${pick("outpost_ingest_batches_total")} samples ${pick("outpost_ingest_samples_total")} flushed ${pick("outpost_flush_samples_total")} acked ${pick("outpost_ingest_acked_batches_total")} cpu ${cpuSeconds(agg.proc.pid).toFixed(1)}`,
    );
  }, 1000);
  await waitForAllAcked(nc, 600_000);
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(agg.proc.pid) - cpu0;
  await Bun.sleep(3_000);
  const fullRss = rssBytes(agg.proc.pid);
  const metrics = await (await fetch(`${agg.url}/metrics`)).text();
  const headBytes = Number(/^outpost_head_bytes (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
  const headSeries = Number(/^outpost_head_series (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);

  report("aggregator_ingest_samples_per_s", Math.round(samples / seconds), "samples/s");
  report("aggregator_ingest_samples_per_cpu_s", Math.round(samples / cpu), "samples/cpu-s");
  report("aggregator_ingest_samples", samples, "samples");
  report("aggregator_head_rss_per_series", Math.round((fullRss - emptyRss) / SERIES), "bytes");
  report("aggregator_head_bytes_per_series", Math.round(headBytes / headSeries), "bytes");
  report("aggregator_head_series", headSeries, "series");
  report("aggregator_rss_empty", Math.round(emptyRss / 2 ** 20), "MB");
  report("aggregator_rss_full", Math.round(fullRss / 2 ** 20), "MB");
  await agg.stop();
} finally {
  await teardown.run();
}
