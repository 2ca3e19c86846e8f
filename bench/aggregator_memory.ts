/**
 * The aggregator's memory per active series in steady state: N series scraped at a steady
 * pace for longer than the head's retention, so the head holds a full window and flushes are
 * the size they are in production. Time is compressed to keep the run short: scrapes every
 * 2.5 s with a 10-minute head retention hold the same 240 samples per series as 15 s scrapes
 * with the default 1 h. The figure is the aggregator process's RSS growth over its RSS after a
 * one-series warm-up, divided by the series.
 *
 *   bun bench/aggregator_memory.ts [--series 100000] [--minutes 12]
 *   bun bench/aggregator_memory.ts --quick      20,000 series, 3 minutes (head not yet full)
 */
import { parseArgs } from "node:util";
import { startAggregatorProcess } from "../test/harness/aggregator.ts";
import { makeSeries, publishBatch, syntheticBatch } from "../test/harness/ingest.ts";
import { oneSeriesRss, setUpAggregatorBench } from "./lib/aggregator_bench.ts";
import { report } from "./lib/pipeline.ts";
import { rssBytes } from "./lib/proc.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    minutes: { type: "string" },
  },
  strict: false,
});
const SERIES = Number(flags.series ?? (flags.quick ? 20_000 : 100_000));
const MINUTES = Number(flags.minutes ?? (flags.quick ? 3 : 12));
const TICK_MS = 2_500;
const PER_BATCH = 10_000;

const teardown = new Teardown();
try {
  const { nc, config: c } = await setUpAggregatorBench(teardown, {
    id: "mem",
    flushInterval: "10s",
    ackWait: "1m",
    headRetention: "10m",
  });
  const agg = await startAggregatorProcess(c.path, c.config);
  teardown.defer("the aggregator", () => agg.kill());
  const emptyRss = await oneSeriesRss(nc, agg);

  const chunks = Array.from({ length: Math.ceil(SERIES / PER_BATCH) }, (_, i) =>
    makeSeries(Math.min(PER_BATCH, SERIES - i * PER_BATCH), "bench_metric", `chunk${i}`),
  );
  progress(`${SERIES} series every ${TICK_MS / 1000} s for ${MINUTES} min`);
  const end = Date.now() + MINUTES * 60_000;
  const rss: number[] = [];
  for (let tick = 0; Date.now() < end; tick++) {
    const ts = Date.now();
    for (let i = 0; i < chunks.length; i++) {
      await publishBatch(nc, syntheticBatch(chunks[i], [ts]), { msgId: `t${tick}-${i}` });
    }
    if (tick % 24 === 0) {
      rss.push(rssBytes(agg.proc.pid));
      progress(`rss ${Math.round(rss[rss.length - 1] / 2 ** 20)} MB`);
    }
    await Bun.sleep(Math.max(0, ts + TICK_MS - Date.now()));
  }
  const last = rss.slice(-3);
  const steady = last.reduce((a, b) => a + b, 0) / last.length;
  const metrics = await (await fetch(`${agg.url}/metrics`)).text();
  const headBytes = Number(/^outpost_head_bytes (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
  report("aggregator_steady_rss_per_series", (steady - emptyRss) / SERIES, "bytes");
  report("aggregator_steady_head_bytes_per_series", headBytes / SERIES, "bytes");
  report("aggregator_steady_rss", steady / 2 ** 20, "MB");
  report("aggregator_rss_empty", emptyRss / 2 ** 20, "MB");
} finally {
  await teardown.run();
}
